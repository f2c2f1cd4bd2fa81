using System.ComponentModel.DataAnnotations;

namespace ConcertBooking.Persistence;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Where the SQLite file and other runtime data live; relative paths are under the content root.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";
}
