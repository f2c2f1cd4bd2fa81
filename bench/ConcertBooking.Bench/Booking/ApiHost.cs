using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using ConcertBooking.Api;

namespace ConcertBooking.Bench.Booking;

/// <summary>
/// The API under test, run as a child process: <c>dotnet ConcertBooking.Api.dll</c> from this tool's output directory,
/// where the project reference puts the API built in the same configuration (Release with <c>-c Release</c>).
/// </summary>
/// <remarks>
/// Why a child process and not an in-process WebApplication: the child runs the shipped Program exactly as deployed,
/// with its own runtime settings (the Web SDK's Server GC), its own thread pool and its own connection pool. In process,
/// the load generator's continuations would queue behind the server's work items, and Microsoft.Data.Sqlite's
/// synchronous waits for the write lock would block threads the load generator also needs, so client-side latency
/// would include stalls that are artefacts of sharing a runtime. What neither choice avoids: the API, the load
/// generator and (for PostgreSQL) the database server all share this machine's cores, and the report shows how much
/// CPU each side used.
/// </remarks>
public sealed class ApiHost : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    private readonly Process _process;
    private readonly StreamWriter _log;
    private bool _logClosed;

    private ApiHost(ProcessStartInfo start, string logPath, Uri baseAddress)
    {
        _log = new StreamWriter(logPath) { AutoFlush = true };
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => WriteLog(e.Data);
        _process.ErrorDataReceived += (_, e) => WriteLog(e.Data);
        LogPath = logPath;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>The API's process id, e.g. for attaching dotnet-trace during a run.</summary>
    public int ProcessId => _process.Id;

    /// <summary>The API's console output, for when something goes wrong.</summary>
    public string LogPath { get; }

    /// <summary>True when the API assembly was compiled without optimizations (a Debug build).</summary>
    public static bool IsDebugBuild =>
        typeof(ApiExtensions).Assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled == true;

    /// <param name="settings">Further configuration keys for the API (e.g. a benchmark's rate limits).</param>
    public static async Task<ApiHost> StartAsync(
        BenchDatabase database, string logPath, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? settings = null)
    {
        var apiDll = Path.Combine(AppContext.BaseDirectory, "ConcertBooking.Api.dll");
        if (!File.Exists(apiDll))
        {
            throw new FileNotFoundException("The API is not built next to the bench tool.", apiDll);
        }

        var baseAddress = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { apiDll },
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // Configuration goes in through the environment, so a PostgreSQL password never shows up in `ps`.
        var configuration = new Dictionary<string, string>(database.ApiConfiguration)
        {
            ["Urls"] = baseAddress.ToString().TrimEnd('/'),
            ["Booking:DemoData"] = "false",

            // Production, as deployed; the load generator signs its fans in through demo sign-in, which Production
            // allows only when told so.
            ["Auth:AllowInsecureDevTokens"] = "true",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            configuration[key] = value;
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in configuration)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var host = new ApiHost(start, logPath, baseAddress);
        try
        {
            host._process.Start();
            host._process.BeginOutputReadLine();
            host._process.BeginErrorReadLine();
            await host.WaitUntilReadyAsync(cancellationToken);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>CPU time the API process has used so far; null once it has exited.</summary>
    public TimeSpan? CpuTime()
    {
        try
        {
            _process.Refresh();
            return _process.HasExited ? null : _process.TotalProcessorTime;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Asks the API to shut down gracefully (SIGTERM), as a deployment would; kills it if it does not.</summary>
    public async Task StopAsync()
    {
        if (!HasStarted || _process.HasExited)
        {
            return;
        }

        if (!OperatingSystem.IsWindows())
        {
            using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) } });
            if (kill is not null)
            {
                await kill.WaitForExitAsync(CancellationToken.None);
            }
        }

        using var timeout = new CancellationTokenSource(StopTimeout);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
        lock (_log)
        {
            _logClosed = true;
            _log.Dispose();
        }
    }

    private bool HasStarted
    {
        get
        {
            try
            {
                _ = _process.Id;
                return true;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The API exited with code {_process.ExitCode} while starting; see {LogPath}.");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // A slow first answer; ask again.
            }

            if (deadline.Elapsed > StartTimeout)
            {
                throw new TimeoutException($"The API was not ready within {StartTimeout.TotalSeconds:0} s; see {LogPath}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }

    private void WriteLog(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            if (!_logClosed)
            {
                _log.WriteLine(line);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
