using ConcertBooking.Infrastructure;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace ConcertBooking.Api.Tests.Support;

/// <summary>
/// Base of every HTTP test class: each test gets a fresh API on a fresh database of the class's provider.
/// Test classes are written once against this base and run through a Sqlite and a Postgres subclass.
/// </summary>
public abstract class ProviderTests(DatabaseProvider provider) : IAsyncLifetime
{
    protected DatabaseProvider Provider { get; } = provider;

    protected BookingApi Api { get; private set; } = null!;

    /// <summary>Runs each downstream service on a database of its own instead of the booking database.</summary>
    protected virtual bool SeparateServiceDatabases => false;

    /// <summary>Configuration on top of the test defaults, for every test of the class.</summary>
    protected virtual IReadOnlyDictionary<string, string?>? Settings => null;

    public async Task InitializeAsync() => Api = await BookingApi.StartAsync(Provider, Settings, SeparateServiceDatabases);

    public async Task DisposeAsync()
    {
        if (Api is not null)
        {
            await Api.DisposeAsync();
        }
    }
}

/// <summary>PostgreSQL test classes share one collection so they never run at once and crowd a shared server.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection
{
    public const string Name = "PostgreSQL";
}

/// <summary>A fact on the provider of its class: skipped, with the reason, on a Postgres class when no server answers.</summary>
[XunitTestCaseDiscoverer("ConcertBooking.Api.Tests.Support.ProviderFactDiscoverer", "ConcertBooking.Api.Tests")]
public sealed class ProviderFactAttribute : FactAttribute;

/// <summary>A theory on the provider of its class: skipped, with the reason, on a Postgres class when no server answers.</summary>
[XunitTestCaseDiscoverer("ConcertBooking.Api.Tests.Support.ProviderTheoryDiscoverer", "ConcertBooking.Api.Tests")]
public sealed class ProviderTheoryAttribute : TheoryAttribute;

public sealed class ProviderFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    public override IEnumerable<IXunitTestCase> Discover(
        ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
        ProviderSkip.For(DiagnosticMessageSink, discoveryOptions, testMethod) ?? base.Discover(discoveryOptions, testMethod, factAttribute);
}

public sealed class ProviderTheoryDiscoverer(IMessageSink diagnosticMessageSink) : TheoryDiscoverer(diagnosticMessageSink)
{
    public override IEnumerable<IXunitTestCase> Discover(
        ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo theoryAttribute) =>
        ProviderSkip.For(DiagnosticMessageSink, discoveryOptions, testMethod) ?? base.Discover(discoveryOptions, testMethod, theoryAttribute);
}

internal static class ProviderSkip
{
    private static int _announced;

    public static IXunitTestCase[]? For(IMessageSink sink, ITestFrameworkDiscoveryOptions options, ITestMethod testMethod)
    {
        if (!RunsOnPostgres(testMethod.TestClass) || PostgresServer.SkipReason is not { } reason)
        {
            return null;
        }

        // The console logger of plain `dotnet test` lists skipped tests without their reason but shows diagnostic
        // messages (xunit.runner.json turns them on), so the reason is said there, once per run.
        if (Interlocked.Exchange(ref _announced, 1) == 0)
        {
            sink.OnMessage(new DiagnosticMessage($"PostgreSQL tests skipped: {reason}"));
        }

        return [new XunitSkippedDataRowTestCase(sink, options.MethodDisplayOrDefault(), options.MethodDisplayOptionsOrDefault(), testMethod, reason)];
    }

    private static bool RunsOnPostgres(ITestClass testClass) =>
        testClass.Class.GetCustomAttributes(typeof(CollectionAttribute))
            .Any(collection => collection.GetConstructorArguments().FirstOrDefault() as string == PostgresCollection.Name);
}
