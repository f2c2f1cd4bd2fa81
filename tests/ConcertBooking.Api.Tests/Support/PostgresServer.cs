using Npgsql;

namespace ConcertBooking.Api.Tests.Support;

/// <summary>The PostgreSQL server the Postgres tests create their databases on.</summary>
public static class PostgresServer
{
    public const string EnvironmentVariable = "CONCERTBOOKING_TEST_POSTGRES";

    private const string DefaultConnectionString = "Host=127.0.0.1;Port=5432;Username=postgres;Password=postgres";

    private static readonly Lazy<string?> UnreachableReason = new(Probe);

    public static string BaseConnectionString =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } configured ? configured : DefaultConnectionString;

    /// <summary>
    /// Why the Postgres tests are skipped, or null when they run. Under CI they always run, so a missing server fails
    /// the build instead of quietly dropping half the suite.
    /// </summary>
    public static string? SkipReason => IsCi ? null : UnreachableReason.Value;

    private static bool IsCi =>
        Environment.GetEnvironmentVariable("CI") is { Length: > 0 } ci
        && !string.Equals(ci, "false", StringComparison.OrdinalIgnoreCase)
        && ci != "0";

    private static string? Probe()
    {
        var server = new NpgsqlConnectionStringBuilder(BaseConnectionString) { Timeout = 3, Pooling = false };
        try
        {
            using var connection = new NpgsqlConnection(server.ConnectionString);
            connection.Open();
            return null;
        }
        catch (NpgsqlException ex)
        {
            return $"No PostgreSQL server answers at {server.Host}:{server.Port} ({ex.Message}). "
                + $"Point {EnvironmentVariable} at one (e.g. \"{DefaultConnectionString}\") to run these tests; with CI=true they fail instead of skipping.";
        }
    }
}
