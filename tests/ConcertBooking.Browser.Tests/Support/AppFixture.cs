namespace ConcertBooking.Browser.Tests.Support;

/// <summary>One running app shared by the tests of the browser collection, started on first use; every test
/// makes concerts and fans of its own, so they do not see each other's seats.</summary>
public sealed class AppFixture : IDisposable
{
    private readonly Lazy<LiveApp> _app = new(() => new LiveApp().Start());

    public LiveApp App => _app.Value;

    public void Dispose()
    {
        if (_app.IsValueCreated)
        {
            _app.Value.Dispose();
        }
    }
}
