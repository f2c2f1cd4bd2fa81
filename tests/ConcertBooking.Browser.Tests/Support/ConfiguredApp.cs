namespace ConcertBooking.Browser.Tests.Support;

/// <summary>A test class's own app, started once with the settings that class is about.</summary>
public abstract class ConfiguredApp(IReadOnlyDictionary<string, string> settings) : IDisposable
{
    public LiveApp App { get; } = new LiveApp(settings).Start();

    public void Dispose() => App.Dispose();
}
