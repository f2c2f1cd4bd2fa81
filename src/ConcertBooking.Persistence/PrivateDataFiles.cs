using Microsoft.Data.Sqlite;

namespace ConcertBooking.Persistence;

/// <summary>
/// The data directory and the SQLite files hold every fan's email, balance and payments: only the account the
/// service runs as may read them (0700 for the directory, 0600 for the files), whatever the umask. SQLite gives its
/// -wal and -shm files the mode of the database file, so creating that file first with 0600 covers all three.
/// Modes are POSIX-only; on Windows the directory's inherited ACL applies.
/// </summary>
public static class PrivateDataFiles
{
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates the directory 0700 if it is missing; an existing one keeps the mode its owner gave it.</summary>
    public static string EnsureDirectory(string path)
    {
        if (!OperatingSystem.IsWindows() && !Directory.Exists(path))
        {
            Directory.CreateDirectory(path, DirectoryMode);
        }
        else
        {
            Directory.CreateDirectory(path);
        }

        return path;
    }

    /// <summary>Creates the database file 0600 if it is missing, already in WAL mode (as the connections would put it:
    /// EF Core opens an existing file read-only to check that it exists, where switching modes is not possible), and
    /// takes group and other access away from it and its -wal and -shm files if an older version left them open.</summary>
    public static string EnsureSqliteFile(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return path;
        }

        if (!File.Exists(path))
        {
            try
            {
                using (new FileStream(path, new FileStreamOptions
                {
                    Mode = System.IO.FileMode.CreateNew,
                    Access = FileAccess.Write,
                    UnixCreateMode = FileMode,
                }))
                {
                }

                using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
                connection.Open();
                using var wal = connection.CreateCommand();
                wal.CommandText = "PRAGMA journal_mode=WAL;";
                wal.ExecuteNonQuery();
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process or context created it first.
            }
        }

        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            if (File.Exists(file) && (File.GetUnixFileMode(file) & ~FileMode) != 0)
            {
                File.SetUnixFileMode(file, FileMode);
            }
        }

        return path;
    }
}
