package dev.allot.server.console;

import dev.allot.server.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.opentest4j.TestAbortedException;

/**
 * A real server and one headless Chromium per test class, for the console's browser tests:
 * {@code @RegisterExtension static final Browser browser = new Browser();}.
 *
 * <p>The server is {@link TestServer}'s (a fresh SQLite data dir on a free port) with one token per
 * role, created through the API. Chromium and chromedriver are Debian's, at {@value #CHROMIUM} and
 * {@value #CHROMEDRIVER}; Selenium is given both paths, so it never looks for or downloads a
 * browser or driver of its own. Where either is missing the class is skipped with a message, unless
 * {@code ALLOT_REQUIRE_BROWSER=true} (as {@code .ci/run} sets it), which makes it fail instead.
 *
 * <p>A test that fails leaves a screenshot of the page, named after the test, in {@code
 * target/console-screenshots/}; {@link #screenshot(String)} saves one on purpose.
 */
public final class Browser
    implements BeforeAllCallback, AfterAllCallback, TestExecutionExceptionHandler {
  static final String CHROMIUM = "/usr/bin/chromium";
  static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
  private static final Duration WAIT = Duration.ofSeconds(20);

  /** The roles a token is created for when the server starts. */
  enum Role {
    ADMIN,
    EDITOR,
    ANALYST,
    SDK;

    String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final TestServer server = new TestServer();
  private final Map<Role, String> tokens = new EnumMap<>(Role.class);
  private boolean serverStarted;
  private Path profile;
  private ChromeDriverService service;
  private ChromeDriver driver;

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    requireBrowser();
    server.beforeEach(context);
    serverStarted = true;
    tokens.put(Role.ADMIN, TestServer.ADMIN_TOKEN);
    for (Role role : List.of(Role.EDITOR, Role.ANALYST, Role.SDK)) {
      tokens.put(
          role, server.createToken(role.word(), role.word() + " token").get("token").asText());
    }
    profile = Files.createTempDirectory("allot-chromium-");
    service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(Path.of(CHROMEDRIVER).toFile())
            .usingAnyFreePort()
            .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,900",
        "--user-data-dir=" + profile);
    driver = new ChromeDriver(service, options);
    Files.createDirectories(SCREENSHOTS);
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    try {
      if (driver != null) {
        driver.quit();
      }
      if (service != null) {
        service.stop();
      }
    } finally {
      if (serverStarted) {
        server.afterEach(context);
      }
      if (profile != null) {
        try (var files = Files.walk(profile)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable failure)
      throws Throwable {
    if (driver != null && !(failure instanceof TestAbortedException)) {
      try {
        String name =
            context.getRequiredTestClass().getSimpleName()
                + "."
                + context.getRequiredTestMethod().getName()
                + "-failed";
        Path saved = screenshot(name);
        failure.addSuppressed(
            new AssertionError(
                "the page at "
                    + driver.getCurrentUrl()
                    + " is in "
                    + saved.toAbsolutePath()
                    + "; its text: "
                    + driver.findElement(By.tagName("body")).getText()));
      } catch (RuntimeException e) {
        failure.addSuppressed(e);
      }
    }
    throw failure;
  }

  /** Skips the test class when Chromium or chromedriver is missing, or fails it if required. */
  private static void requireBrowser() {
    for (String executable : List.of(CHROMIUM, CHROMEDRIVER)) {
      if (!Files.isExecutable(Path.of(executable))) {
        String message =
            executable
                + " is missing: the console's browser tests need Debian's chromium and"
                + " chromium-driver packages (apt-get install chromium chromium-driver)";
        if ("true".equalsIgnoreCase(System.getenv("ALLOT_REQUIRE_BROWSER"))) {
          throw new IllegalStateException(message + " and ALLOT_REQUIRE_BROWSER=true");
        }
        System.err.println("\n*** SKIPPING THE BROWSER TESTS: " + message + ". ***\n");
        Assumptions.abort(message);
      }
    }
  }

  TestServer server() {
    return server;
  }

  WebDriver driver() {
    return driver;
  }

  /** The secret of the token created for {@code role}. */
  String token(Role role) {
    return tokens.get(role);
  }

  /** Opens the console at {@code hash} (such as {@code "#/experiments"}, or empty). */
  void open(String hash) {
    driver.get(server.url() + "/console/" + hash);
  }

  /**
   * Starts afresh (no cookie), signs in through the sign-in form with the token of {@code role},
   * and waits until the page names who signed in.
   */
  void signIn(Role role) {
    if (driver.getCurrentUrl().startsWith(server.url())) {
      driver.manage().deleteAllCookies();
    }
    driver.get("about:blank");
    open("");
    WebElement token = waitFor(By.cssSelector("form#signin input#token"));
    token.sendKeys(token(role));
    driver.findElement(By.cssSelector("form#signin button[type=submit]")).click();
    waitUntil(ExpectedConditions.textToBePresentInElementLocated(By.id("whoami"), role.word()));
  }

  /** Waits until an element matching {@code locator} is visible, and returns it. */
  WebElement waitFor(By locator) {
    return waitUntil(ExpectedConditions.visibilityOfElementLocated(locator));
  }

  /** Waits until the element matching {@code locator} can be clicked, and clicks it. */
  void click(By locator) {
    waitUntil(ExpectedConditions.elementToBeClickable(locator)).click();
  }

  /** Waits until the element matching {@code locator} shows {@code text} among its own. */
  void waitForText(By locator, String text) {
    waitUntil(ExpectedConditions.textToBePresentInElementLocated(locator, text));
  }

  /** Waits until {@code condition} holds (a non-null, non-false answer), and returns the answer. */
  <T> T waitUntil(Function<? super WebDriver, T> condition) {
    return new WebDriverWait(driver, WAIT).until(condition);
  }

  /** Runs a script in the page and returns what it returns. */
  Object script(String script, Object... arguments) {
    return ((JavascriptExecutor) driver).executeScript(script, arguments);
  }

  /**
   * Runs an asynchronous script in the page: its last argument is the callback to call with the
   * result.
   */
  Object asyncScript(String script, Object... arguments) {
    return ((JavascriptExecutor) driver).executeAsyncScript(script, arguments);
  }

  /**
   * Shows pages as a phone of {@code width} by {@code height} CSS pixels does (a mobile viewport,
   * which honours the page's viewport meta tag), until {@link #desktop()}.
   */
  void phone(int width, int height) {
    driver.executeCdpCommand(
        "Emulation.setDeviceMetricsOverride",
        Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", true));
  }

  /** Back to the desktop window the browser started with. */
  void desktop() {
    driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
  }

  /**
   * Saves the whole page, not only what the window shows, as {@code
   * target/console-screenshots/<name>.png}: the viewport is made as tall as the page (at most 3000
   * pixels) for the picture.
   */
  Path fullPageScreenshot(String name) {
    long width = (Long) script("return document.documentElement.clientWidth;");
    long height = (Long) script("return Math.min(document.documentElement.scrollHeight, 3000);");
    driver.executeCdpCommand(
        "Emulation.setDeviceMetricsOverride",
        Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
    try {
      return screenshot(name);
    } finally {
      desktop();
    }
  }

  /** Saves what the page shows as {@code target/console-screenshots/<name>.png}. */
  Path screenshot(String name) {
    Path target = SCREENSHOTS.resolve(name + ".png");
    try {
      Files.createDirectories(SCREENSHOTS);
      Path taken = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
      Files.move(taken, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return target;
  }
}
