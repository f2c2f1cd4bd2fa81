using System.Net;
using System.Net.Sockets;
using ConcertBooking.Api.Tests.Support;
using Microsoft.Data.Sqlite;

namespace ConcertBooking.Api.Tests;

/// <summary>
/// What an operator sees when starting the API as a process: a start that cannot succeed for a reason they can fix
/// ends within seconds with exit code 1 and one line naming the setting and what it accepts, before the database,
/// Kafka or demo data are touched; a start that succeeds says where to go next.
/// </summary>
public sealed class StartupTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly string _directory = Directory.CreateTempSubdirectory("concertbooking-startup-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Theory]
    [InlineData("--Booking:HoldDuration=abc", "Booking:HoldDuration=abc is not a duration (hh:mm:ss")]
    [InlineData("--Database:Provider=Mysql", "Database:Provider=Mysql is not one of Sqlite, Postgres")]
    [InlineData("--Booking:DemoData=maybe", "Booking:DemoData=maybe is not true or false")]
    [InlineData("--Kafka:Retry:Attempts=500", "Kafka:Retry:Attempts: The field Attempts must be between 0 and 100")]
    [InlineData("--roles=foo", "roles: unknown role(s) foo; accepted: relay, notification, ranking, data-platform, api, kafka")]
    public async Task A_bad_setting_ends_the_start_with_one_line_that_names_it(string argument, string expected)
    {
        var (exitCode, lines) = await ApiProcess.RunAsync(_directory, Timeout, argument, "--urls=http://127.0.0.1:0");

        Assert.Equal(1, exitCode);
        var line = Assert.Single(lines);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_directory));
    }

    [Fact]
    public async Task A_port_in_use_ends_the_start_before_the_database_is_touched()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var (exitCode, lines) = await ApiProcess.RunAsync(_directory, Timeout, $"--urls=http://127.0.0.1:{port}");

        Assert.Equal(1, exitCode);
        var line = Assert.Single(lines);
        Assert.StartsWith($"Port {port} is in use", line, StringComparison.Ordinal);
        Assert.Contains("--urls", line, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_directory));
    }

    [Fact]
    public async Task A_first_start_says_where_the_web_app_the_api_reference_and_the_demo_accounts_are()
    {
        var lines = await ApiProcess.RunUntilAsync(
            _directory, TimeSpan.FromSeconds(90), line => line.Contains("demo accounts:", StringComparison.Ordinal), "--urls=http://127.0.0.1:0");

        var whereToGo = Assert.Single(lines, l => l.StartsWith("ConcertBooking is up:", StringComparison.Ordinal));
        Assert.Matches(@"^ConcertBooking is up: web app (http://127\.0\.0\.1:\d+)/, API reference \1/scalar", whereToGo);
        Assert.Contains("anyone can sign in as anyone; demo accounts: fan1@example.com", lines[^1], StringComparison.Ordinal);
        Assert.Contains("admins: admin@example.com", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_applies_each_context_s_migrations_once_and_ends()
    {
        var (exitCode, lines) = await ApiProcess.RunAsync(_directory, Timeout, "migrate");

        Assert.Equal(0, exitCode);
        Assert.Contains(lines, l => l.StartsWith("BookingDbContext: applied ", StringComparison.Ordinal) && l.EndsWith("_Initial", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("DataPlatformDbContext: applied ", StringComparison.Ordinal));

        (exitCode, lines) = await ApiProcess.RunAsync(_directory, Timeout, "migrate");

        Assert.Equal(0, exitCode);
        Assert.Equal(["BookingDbContext: up to date", "NotificationsDbContext: up to date", "RankingDbContext: up to date", "DataPlatformDbContext: up to date", "OperationsDbContext: up to date"], lines);
    }

    [Theory]
    [InlineData("Sqlite", "INSERT INTO \"__EFMigrationsHistory_Booking\"")]
    [InlineData("Postgres", "DO $EF$")]
    public async Task Migrate_script_prints_the_sql_of_every_context_without_a_database(string provider, string expected)
    {
        // On PostgreSQL no server listens at the address given: the script needs none.
        var (exitCode, lines) = await ApiProcess.RunAsync(
            _directory, Timeout, "migrate", "--script", $"--Database:Provider={provider}", "--ConnectionStrings:Booking=Host=127.0.0.1;Port=1;Database=none");

        Assert.Equal(0, exitCode);
        var script = string.Join('\n', lines);
        Assert.Contains(expected, script, StringComparison.Ordinal);
        Assert.Contains("CREATE TABLE IF NOT EXISTS \"Seats\"", script, StringComparison.Ordinal);
        Assert.Contains("CREATE TABLE IF NOT EXISTS \"EventArchive\"", script, StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("-- NotificationsDbContext", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_migrating_on_start_a_database_that_lacks_migrations_ends_the_start_in_one_line()
    {
        var (exitCode, lines) = await ApiProcess.RunAsync(_directory, Timeout, "--Database:MigrateOnStartup=false", "--urls=http://127.0.0.1:0");

        Assert.Equal(1, exitCode);
        var line = Assert.Single(lines);
        Assert.StartsWith("The database of BookingDbContext lacks 1 migration(s)", line, StringComparison.Ordinal);
        Assert.Contains("migrate", line, StringComparison.Ordinal);
    }
}
