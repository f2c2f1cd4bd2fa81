namespace ConcertBooking.Bench.Cli;

/// <summary>One benchmark the bench tool can run, selected by the first command-line argument.</summary>
public interface ICommand
{
    string Name { get; }

    /// <summary>One line for the overall usage message.</summary>
    string Summary { get; }

    /// <summary>The command's own options, shown by <c>&lt;command&gt; --help</c> and on a usage error.</summary>
    string Usage { get; }

    /// <summary>Runs the command; returns the process exit code.</summary>
    Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken);
}

/// <summary>Bad command-line input: the dispatcher prints the message and the command's usage.</summary>
public sealed class UsageException(string message) : Exception(message);
