package dev.allot.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

class BrowserFixtureTest {
  @RegisterExtension static final Browser browser = new Browser();

  @Test
  void healthz_opensInChromium() {
    browser.driver().get(browser.server().url() + "/healthz");
    assertThat(browser.driver().findElement(By.tagName("body")).getText()).contains("ok");
    Object status =
        browser.asyncScript(
            "const done = arguments[arguments.length - 1];"
                + "fetch('/v1/labs').then(r => done(r.status));");
    assertThat(status).isEqualTo(401L);
    browser.screenshot("fixture");
  }
}
