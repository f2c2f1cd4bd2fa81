namespace ConcertBooking.Bench.Cli;

/// <summary>Picks the command named by the first argument and runs it with the rest; Ctrl+C cancels it cleanly.</summary>
public sealed class CommandDispatcher(IReadOnlyList<ICommand> commands)
{
    public const int UsageError = 2;
    public const int Cancelled = 130;

    public async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            PrintUsage(args.Length == 0 ? Console.Error : Console.Out);
            return args.Length == 0 ? UsageError : 0;
        }

        var command = commands.FirstOrDefault(c => string.Equals(c.Name, args[0], StringComparison.OrdinalIgnoreCase));
        if (command is null)
        {
            await Console.Error.WriteLineAsync($"Unknown command '{args[0]}'.");
            PrintUsage(Console.Error);
            return UsageError;
        }

        var rest = args[1..];
        if (rest.Any(a => a is "-h" or "--help"))
        {
            Console.WriteLine(command.Usage);
            return 0;
        }

        using var cancellation = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            // First Ctrl+C: stop and clean up (child API process, temporary database). A second one kills us.
            e.Cancel = !cancellation.IsCancellationRequested;
            cancellation.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return await command.RunAsync(rest, cancellation.Token);
        }
        catch (UsageException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            await Console.Error.WriteLineAsync(command.Usage);
            return UsageError;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("Cancelled.");
            return Cancelled;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private void PrintUsage(TextWriter output)
    {
        output.WriteLine("Usage: dotnet run -c Release --project bench/ConcertBooking.Bench -- <command> [options]");
        output.WriteLine();
        output.WriteLine("Commands:");
        var width = commands.Max(c => c.Name.Length) + 2;
        foreach (var command in commands)
        {
            output.WriteLine($"  {command.Name.PadRight(width)}{command.Summary}");
        }

        output.WriteLine();
        output.WriteLine("Run '<command> --help' for the command's options.");
    }
}
