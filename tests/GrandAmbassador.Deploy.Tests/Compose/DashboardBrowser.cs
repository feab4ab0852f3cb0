using GrandAmbassador.Testing;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace GrandAmbassador.Deploy.Tests.Compose;

/// <summary>
/// node-c's endpoints page in Debian's headless chromium (driven by Debian's chromedriver), signed in
/// with the token as a user types it into the page's form.
/// </summary>
internal sealed class DashboardBrowser : IDisposable
{
    private static readonly TimeSpan PageGuard = TimeSpan.FromMinutes(2);
    private readonly string _profile = Directory.CreateTempSubdirectory("ga-deploy-chrome-").FullName;
    private readonly ChromeDriver _driver;

    public DashboardBrowser()
    {
        var options = new ChromeOptions { BinaryLocation = "/usr/bin/chromium" };
        options.AddArguments(
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--window-size=1280,800", $"--user-data-dir={_profile}");
        var service = ChromeDriverService.CreateDefaultService("/usr/bin", "chromedriver");
        service.SuppressInitialDiagnosticInformation = true;
        _driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(90));
    }

    public void SignIn(Uri page, string token)
    {
        _driver.Navigate().GoToUrl(page);
        Until(d => d.FindElement(By.Id("token")).Displayed ? "" : null);
        _driver.FindElement(By.Id("token")).SendKeys(token);
        _driver.FindElement(By.CssSelector("#login button")).Click();
        Until(d => d.FindElement(By.Id("main")).Displayed ? "" : null);
    }

    /// <summary>Waits until the page lists the name's containers on exactly these hosts (live, no reload).</summary>
    public void UntilContainersOn(string name, params string[] hosts) =>
        Until(d =>
        {
            var shown = d.FindElements(By.CssSelector($"section[data-name='{name}'] tr[data-container] td:first-child"))
                .Select(cell => cell.Text).Order(StringComparer.Ordinal).ToArray();
            return shown.SequenceEqual(hosts.Order(StringComparer.Ordinal)) ? "" : null;
        });

    public string Screenshot(string name)
    {
        var directory = Path.Combine(Repository.Root, "artifacts", "screenshots");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name + ".png");
        _driver.GetScreenshot().SaveAsFile(path);
        return path;
    }

    public void Dispose()
    {
        _driver.Quit();
        _driver.Dispose();
        Directory.Delete(_profile, recursive: true);
    }

    private void Until(Func<IWebDriver, string?> condition)
    {
        var wait = new WebDriverWait(_driver, PageGuard) { PollingInterval = TimeSpan.FromMilliseconds(100) };
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));
        wait.Until(condition);
    }
}
