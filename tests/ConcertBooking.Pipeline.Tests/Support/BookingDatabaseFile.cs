using System.Globalization;
using Microsoft.Data.Sqlite;

namespace ConcertBooking.Pipeline.Tests.Support;

/// <summary>
/// The SQLite file of an <see cref="ApiProcess"/>, read-only and unpooled from outside the process, so the test sees
/// exactly what was committed (also while the process is dead) and never holds a lock that would get in its way.
/// </summary>
internal sealed class BookingDatabaseFile(string dataDirectory)
{
    /// <summary>The groups a default process runs and the topics each reads; from outside the process there are no
    /// services to ask.</summary>
    public static readonly (string Group, string[] Topics)[] Subscriptions =
    [
        ("notification-service", ["reservation-events", "payment-events", "concert-events"]),
        ("ranking-service", ["reservation-events", "payment-events", "concert-events"]),
        ("data-platform", ["reservation-events", "payment-events", "concert-events"]),
    ];

    public string Path { get; } = System.IO.Path.Combine(dataDirectory, "concertbooking.db");

    /// <summary>Per group, how many outbox events of its topics it has not processed (yet).</summary>
    public List<(string Group, int Missing)> MissingPerGroup() =>
        Subscriptions.Select(s => (s.Group, Count(
            $"SELECT COUNT(*) FROM \"OutboxMessages\" m WHERE m.\"Topic\" IN ({TopicList(s.Topics)}) " +
            $"AND NOT EXISTS (SELECT 1 FROM \"ProcessedEvents\" p WHERE p.\"GroupId\" = '{s.Group}' AND p.\"EventId\" = m.\"EventId\")"))).ToList();

    public Task WaitUntilAllGroupsProcessedEverythingAsync(TimeSpan timeout) => Eventually.WaitAsync(
        () => Task.FromResult(MissingPerGroup()),
        missing => missing.All(m => m.Missing == 0),
        "every group to process every committed event",
        timeout);

    public static string TopicList(IEnumerable<string> topics) => string.Join(",", topics.Select(t => $"'{t}'"));

    /// <summary>A single count; 0 while the file or the table does not exist yet (the process is still migrating).</summary>
    public int Count(string sql)
    {
        var rows = Query(sql, r => Convert.ToInt32(r.GetValue(0), CultureInfo.InvariantCulture));
        return rows.Count == 0 ? 0 : rows[0];
    }

    public List<T> Query<T>(string sql, Func<SqliteDataReader, T> read)
    {
        if (!File.Exists(Path))
        {
            return [];
        }

        using var connection = new SqliteConnection($"Data Source={Path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        try
        {
            using var reader = command.ExecuteReader();
            var rows = new List<T>();
            while (reader.Read())
            {
                rows.Add(read(reader));
            }

            return rows;
        }
        catch (SqliteException ex) when (ex.Message.Contains("no such table", StringComparison.Ordinal))
        {
            return [];
        }
    }
}
