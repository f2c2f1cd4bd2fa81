using System.Diagnostics;

namespace ConcertBooking.Api.Tests.Support;

/// <summary>The built API run as a child process (<c>dotnet ConcertBooking.Api.dll</c>), as an operator starts it.</summary>
internal static class ApiProcess
{
    /// <summary>Runs the API with <paramref name="arguments"/> in Development on a data directory of its own, and
    /// returns its exit code and every line it wrote to standard output and error.</summary>
    public static async Task<(int ExitCode, IReadOnlyList<string> Lines)> RunAsync(string dataDirectory, TimeSpan timeout, params string[] arguments)
    {
        using var process = Start(dataDirectory, arguments);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"The API was still running after {timeout}: {await output}{await error}");
        }

        var lines = (await output + await error).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (process.ExitCode, lines);
    }

    /// <summary>Runs the API until it has written a line that <paramref name="last"/> accepts, then stops it, and
    /// returns what it wrote to standard output until then.</summary>
    public static async Task<IReadOnlyList<string>> RunUntilAsync(string dataDirectory, TimeSpan timeout, Func<string, bool> last, params string[] arguments)
    {
        using var process = Start(dataDirectory, arguments);
        var error = process.StandardError.ReadToEndAsync();
        var lines = new List<string>();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
            {
                lines.Add(line.Trim());
                if (last(line))
                {
                    return lines;
                }
            }

            Assert.Fail($"The API ended with exit code {await ExitCodeAsync(process)}: {string.Join('\n', lines)}{await error}");
            return lines;
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"The API did not say it after {timeout}: {string.Join('\n', lines)}");
            return lines;
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static async Task<int> ExitCodeAsync(Process process)
    {
        await process.WaitForExitAsync();
        return process.ExitCode;
    }

    private static Process Start(string dataDirectory, string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ConcertBooking.Api.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add($"--Database:DataDirectory={dataDirectory}");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";

        return Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
    }
}
