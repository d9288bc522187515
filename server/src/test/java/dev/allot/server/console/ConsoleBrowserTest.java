package dev.allot.server.console;

import static dev.allot.server.TestServer.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.allot.server.Documents;
import dev.allot.server.TestServer;
import dev.allot.server.TestServer.Response;
import dev.allot.server.console.Browser.Role;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The web console in a real Chromium against a real server (docs/console.md): what each role sees
 * and may do, an experiment's whole life through the pages, and the session's protections
 * (docs/security.md). The tests share one server and one browser, so each uses ids of its own.
 */
class ConsoleBrowserTest {
  @RegisterExtension static final Browser browser = new Browser();

  /** Line 6 holds a status no experiment may have. */
  private static final String YAML_WITH_A_BAD_STATUS =
      """
      schemaVersion: 1
      kind: experiment
      metadata:
        id: checkout-button
        name: Checkout button
        status: running
      spec:
        hypothesis: A green button sells more
        variants:
          - {id: control, isControl: true, name: Control}
          - {id: treatment, name: Treatment}
        cohorts:
          - index: 1
            variants:
              - {variant: control, split: 0.5}
              - {variant: treatment, split: 0.5}
      """;

  private static TestServer server() {
    return browser.server();
  }

  @Test
  void editor_takesAnExperimentThroughItsWholeLife_inThePages() {
    browser.signIn(Role.EDITOR);
    browser.click(By.id("new-experiment"));
    WebElement yaml = browser.waitFor(By.id("yaml"));
    browser.script(
        "arguments[0].value = arguments[1];"
            + " arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
        yaml,
        YAML_WITH_A_BAD_STATUS);

    browser.click(By.id("check"));
    WebElement error = browser.waitFor(By.cssSelector("ul#yaml-errors li[data-line='6']"));
    assertThat(error.getText()).contains("line 6").contains("metadata.status");
    assertThat(browser.driver().findElement(By.id("apply")).isEnabled()).isFalse();
    browser.screenshot("yaml-editor-error");

    error.click(); // selects line 6 in the editor, so what is typed replaces it
    new Actions(browser.driver()).sendKeys("  status: draft").perform();
    browser.click(By.id("check"));
    browser.waitForText(By.id("diff"), "will be created");
    assertThat(browser.driver().findElements(By.cssSelector("ul#yaml-errors li"))).isEmpty();
    browser.click(By.id("apply"));

    String id = "CHECKOUT-BUTTON";
    browser.waitUntil(
        d -> d.getCurrentUrl().toUpperCase(Locale.ROOT).endsWith("#/EXPERIMENTS/" + id));
    browser.waitForText(By.id("status"), "draft");
    assertThat(server().get("/v1/experiments/" + id).json().at("/metadata/status").asText())
        .isEqualTo("draft");

    act("activate");
    assertThat(confirmText()).contains(id).contains("start assigning");
    confirmAndWaitForStatus("active");

    String sdk = browser.token(Role.SDK);
    for (int i = 0; i < 200; i++) {
      Response answer =
          server()
              .post(
                  "/v1/assignments:getOrMake",
                  sdk,
                  "application/json",
                  TestServer.json(
                      Map.of("subjectId", "shopper-" + i, "experimentIds", List.of(id))));
      assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    }
    browser.driver().navigate().refresh();
    browser.waitFor(By.cssSelector("#chart-assignments canvas"));
    assertThat(assignedIn(By.cssSelector("table#summary tbody tr"), 3)).isEqualTo(200);
    assertThat(browser.driver().findElement(By.id("srm")).getText()).isNotBlank();
    browser.fullPageScreenshot("experiment");

    act("addCohort");
    List<WebElement> splits =
        browser.driver().findElements(By.cssSelector("dialog#confirm input[name^='split-']"));
    assertThat(splits).hasSize(2);
    splits.get(0).clear();
    splits.get(0).sendKeys("0.2");
    splits.get(1).clear();
    splits.get(1).sendKeys("0.8");
    browser.click(By.id("confirm-ok"));
    browser.waitFor(By.cssSelector("#cohorts tr[data-index='2']"));

    act("declareWinner");
    String winner =
        new Select(browser.driver().findElement(By.id("winner-variant")))
            .getFirstSelectedOption()
            .getAttribute("value");
    assertThat(winner).isEqualToIgnoringCase("treatment");
    assertThat(confirmText()).contains(winner);
    confirmAndWaitForStatus("winner declared");
    assertThat(server().get("/v1/experiments/" + id).json().at("/spec/winningVariant").asText())
        .isEqualTo(winner);

    act("end");
    new Select(browser.driver().findElement(By.id("end-reason"))).selectByValue("success");
    confirmAndWaitForStatus("ended");

    act("archive");
    confirmAndWaitForStatus("archived");
    assertThat(browser.driver().findElements(By.cssSelector("button[data-action]"))).isEmpty();

    int versions =
        server().get("/v1/experiments/" + id + "/history").json().get("resources").size();
    assertThat(versions).isEqualTo(6); // created, activated, a cohort, a winner, ended, archived
    browser.waitUntil(
        d -> d.findElements(By.cssSelector("#history > li[data-version]")).size() == versions);
    assertThat(
            browser.driver().findElement(By.cssSelector("#history li[data-version='2']")).getText())
        .contains("status");
  }

  @Test
  void analyst_seesNoActionButtonAndNoAdminLink() {
    server().applied(Documents.experiment("analyst-view").yaml());

    browser.signIn(Role.ANALYST);
    browser.open("#/experiments/ANALYST-VIEW");
    browser.waitForText(By.id("status"), "active");
    browser.waitFor(By.id("summary"));

    assertThat(browser.driver().findElements(By.cssSelector("button[data-action]"))).isEmpty();
    assertThat(browser.driver().findElements(By.linkText("Admin"))).isEmpty();
    browser.open("#/experiments");
    browser.waitFor(By.cssSelector("table#experiment-list tr[data-id='ANALYST-VIEW']"));
    assertThat(browser.driver().findElements(By.id("new-experiment"))).isEmpty();
  }

  @Test
  void forgedRequest_withoutTheCsrfToken_isRefusedAndWritesNothing() {
    browser.signIn(Role.EDITOR);
    String forged = Documents.experiment("forged").yaml();

    List<?> refused = applyFromThePage(forged, false);
    List<?> allowed = applyFromThePage(Documents.experiment("not-forged").yaml(), true);

    assertThat(refused.get(0)).as(refused.get(1).toString()).isEqualTo(403L);
    assertThat(refused.get(1).toString()).contains("X-CSRF-Token");
    assertThat(server().get("/v1/experiments/FORGED").status()).isEqualTo(404);
    assertThat(allowed.get(0)).as(allowed.get(1).toString()).isEqualTo(200L);
    assertThat(server().get("/v1/experiments/NOT-FORGED").status()).isEqualTo(200);
  }

  /**
   * POSTs the YAML to apply with the session cookie, with or without the CSRF token: [status,
   * body].
   */
  private static List<?> applyFromThePage(String yaml, boolean withCsrfToken) {
    return (List<?>)
        browser.asyncScript(
            """
            const [yaml, withToken, done] = arguments;
            (async () => {
              const headers = {'Content-Type': 'application/yaml'};
              if (withToken) {
                const session = await (await fetch('/console/session')).json();
                headers['X-CSRF-Token'] = session.csrfToken;
              }
              const r = await fetch('/v1/resources:apply',
                  {method: 'POST', headers, body: yaml, credentials: 'same-origin'});
              done([r.status, await r.text()]);
            })().catch(e => done([0, String(e)]));
            """,
            yaml,
            withCsrfToken);
  }

  @Test
  void signOut_endsTheSession() {
    browser.signIn(Role.EDITOR);
    String cookie =
        "allot_session=" + browser.driver().manage().getCookieNamed("allot_session").getValue();
    assertThat(
            server()
                .send(server().request("/console/session", null).header("Cookie", cookie))
                .status())
        .isEqualTo(200);

    browser.click(By.id("signout"));

    browser.waitFor(By.cssSelector("form#signin input#token"));
    assertThat(
            server()
                .send(server().request("/console/session", null).header("Cookie", cookie))
                .status())
        .isEqualTo(401);
    assertThat(browser.driver().findElement(By.id("signout")).isDisplayed()).isFalse();
  }

  @Test
  void admin_createsAToken_whoseSecretIsShownOnce() {
    browser.signIn(Role.ADMIN);
    browser.click(By.linkText("Admin"));
    browser.waitFor(By.cssSelector("table#tokens"));

    browser.driver().findElement(By.id("new-token-name")).sendKeys("checkout service");
    new Select(browser.driver().findElement(By.id("new-token-role"))).selectByValue("analyst");
    browser.driver().findElement(By.cssSelector("form#new-token button[type=submit]")).click();

    String secret = browser.waitFor(By.cssSelector("#new-secret code")).getText();
    assertThat(secret).startsWith("allot_");
    assertThat(browser.driver().findElement(By.id("new-secret")).getText())
        .contains("will not be shown again");
    browser.waitForText(By.id("tokens"), "checkout service");
    assertThat(server().get("/v1/labs", secret).status()).isEqualTo(200);
    JsonNode listed = server().get("/v1/tokens").json().get("tokens");
    assertThat(listed.toString()).contains("checkout service").doesNotContain(secret);

    browser.driver().findElement(By.id("new-source-name")).sendKeys("app-db");
    browser.driver().findElement(By.id("new-source-url")).sendKeys("jdbc:sqlite:/srv/app.db");
    browser.driver().findElement(By.cssSelector("form#new-source button[type=submit]")).click();
    browser.waitFor(By.cssSelector("table#sources tr[data-id='APP-DB']"));
    browser.script("window.scrollTo(0, 0);");
    browser.screenshot("admin");

    browser.driver().navigate().refresh();
    browser.waitForText(By.id("tokens"), "checkout service");
    assertThat(browser.driver().getPageSource()).doesNotContain(secret);
  }

  @Test
  void tablesPage_showsATable_andRunsIt(@TempDir Path dir) throws Exception {
    server().applied(Documents.userExperiment());
    Path file = dir.resolve("warehouse.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement statement = c.createStatement()) {
      statement.execute("CREATE TABLE log (user_id TEXT, experiment TEXT, grp TEXT, ts TEXT)");
      statement.execute(
          """
          INSERT INTO log VALUES ('u1', 'home-cta', 'treatment', '2026-01-01T10:00:00Z'),
                                 ('u2', 'home-cta', 'control', '2026-01-02T10:00:00Z'),
                                 ('u3', 'checkout', 'fast', '2026-01-02T11:00:00Z')\
          """);
    }
    String source = "{\"name\":\"warehouse\",\"jdbcUrl\":\"jdbc:sqlite:" + file + "\"}";
    assertThat(server().post("/v1/sources", ADMIN_TOKEN, "application/json", source).status())
        .isEqualTo(201);
    Response table =
        server()
            .post(
                "/v1/assignmentTables?assignmentTableId=legacy",
                ADMIN_TOKEN,
                "application/json",
                """
                {"displayName": "Legacy", "source": "warehouse", "sql": "SELECT * FROM log",
                 "entityColumnMapping": {"column": {"name": "user_id"}, "entity": "entities/user"},
                 "timestampColumn": {"name": "ts"}, "exposureKeyColumn": {"name": "experiment"},
                 "variantKeyColumn": {"name": "grp"},
                 "dataDeliveredUntilUpdateStrategyConfig": {"strategy": "AUTOMATIC",
                   "automaticUpdateConfig": {"incrementDuration": "P1D", "commitDelay": "PT1H"}}}\
                """);
    assertThat(table.status()).as(table.body()).isEqualTo(201);

    browser.signIn(Role.EDITOR);
    browser.click(By.linkText("Assignment tables"));
    WebElement row =
        browser.waitFor(By.cssSelector("table#assignment-tables tr[data-id='LEGACY']"));
    assertThat(row.getText()).contains("WAREHOUSE").contains("experiment");
    row.findElement(By.cssSelector("button[data-action=run]")).click();

    browser.waitForText(By.id("flash"), "3 read, 2 loaded");
    browser.waitForText(By.cssSelector("tr[data-id='LEGACY'] td.last-run"), "manual");
    browser.click(By.linkText("LEGACY"));
    browser.waitFor(By.cssSelector("table#runs tbody tr"));
    browser.waitUntil(d ->
        d.findElement(By.id("rejected-rows"))
            .getText()
            .toLowerCase(Locale.ROOT)
            .contains("checkout"));
    browser.screenshot("assignment-table");
  }

  @Test
  void labsPage_listsLabsAndSubjectTypes_withTheExperimentsUsingThem() {
    server()
        .applied(
            Documents.batch(
                Documents.lab("growth"),
                Documents.subjectType("account", "ANY"),
                Documents.experiment("growth-banner")
                    .parent("growth")
                    .subjectType("account")
                    .yaml()));

    browser.signIn(Role.ANALYST);
    browser.click(By.linkText("Labs"));

    browser.waitFor(
        By.cssSelector("table#labs tr[data-id='GROWTH'] a[href='#/experiments/GROWTH-BANNER']"));
    browser.waitFor(
        By.cssSelector(
            "table#subject-types tr[data-id='ACCOUNT'] a[href='#/experiments/GROWTH-BANNER']"));
  }

  @Test
  void experimentsList_atPhoneWidth_overflowsOnlyInsideTableWrappers() {
    server().applied(Documents.experiment("phone-list-a").yaml());
    server().applied(Documents.experiment("phone-list-b").status("draft").yaml());
    browser.signIn(Role.EDITOR);
    browser.open("#/experiments");
    browser.waitFor(By.cssSelector("table#experiment-list tr[data-id='PHONE-LIST-A']"));
    browser.screenshot("experiments");
    try {
      browser.phone(375, 812);
      browser.waitUntil(d -> ((Long) browser.script("return window.innerWidth;")) == 375);

      long pageWidth = (Long) browser.script("return document.documentElement.scrollWidth;");
      long viewport = (Long) browser.script("return document.documentElement.clientWidth;");
      assertThat(pageWidth).isLessThanOrEqualTo(viewport);
      assertThat(browser.driver().findElement(By.id("search")).isDisplayed()).isTrue();
      browser.driver().findElement(By.id("search")).sendKeys("phone-list-b");
      browser.waitUntil(d ->
          d.findElements(By.cssSelector("table#experiment-list tbody tr[data-id]")).size() == 1);
      browser.driver().findElement(By.linkText("PHONE-LIST-B")).click();
      browser.waitForText(By.id("status"), "draft");
      browser.open("#/experiments");
      browser.waitFor(By.cssSelector("table#experiment-list tr[data-id='PHONE-LIST-A']"));
      browser.screenshot("experiments-phone");
    } finally {
      browser.desktop();
    }
  }

  private static void act(String action) {
    browser.click(By.cssSelector("button[data-action='" + action + "']"));
    browser.waitFor(By.cssSelector("dialog#confirm"));
  }

  private static String confirmText() {
    return browser.driver().findElement(By.id("confirm-text")).getText();
  }

  private static void confirmAndWaitForStatus(String status) {
    browser.click(By.id("confirm-ok"));
    browser.waitUntil(ExpectedConditions.invisibilityOfElementLocated(By.id("confirm")));
    browser.waitUntil(d -> {
      try {
        return d.findElement(By.id("status")).getText().replace('_', ' ').equals(status);
      } catch (StaleElementReferenceException e) {
        return false; // the page was drawn again meanwhile
      }
    });
  }

  /** The numbers in column {@code index} (0-based) of the rows, added up ("1,234" read as 1234). */
  private static long assignedIn(By rows, int index) {
    return browser.driver().findElements(rows).stream()
        .map(row -> row.findElements(By.tagName("td")))
        .filter(cells -> cells.size() > index)
        .mapToLong(cells -> Long.parseLong(cells.get(index).getText().replace(",", "").trim()))
        .sum();
  }
}
