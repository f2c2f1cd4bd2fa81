using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace ConcertBooking.Pipeline.Tests.Support;

/// <summary>
/// Debian's <c>prometheus</c> binary, started on a free loopback port with a generated config that scrapes one target
/// every second, in a temp directory of its own that goes with it.
/// </summary>
internal sealed class PrometheusServer : IDisposable
{
    public const string DefaultPath = "/usr/bin/prometheus";

    private readonly Process _process;
    private readonly string _directory;
    private readonly HttpClient _http;

    private PrometheusServer(Process process, string directory, Uri address)
    {
        (_process, _directory) = (process, directory);
        _http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary><c>CONCERTBOOKING_PROMETHEUS</c> names another executable.</summary>
    public static string ExecutablePath { get; } =
        Environment.GetEnvironmentVariable("CONCERTBOOKING_PROMETHEUS") is { Length: > 0 } path ? path : DefaultPath;

    /// <summary>Why the test cannot run here, or null. Under CI a missing binary is a failure, never a skip.</summary>
    public static string? SkipReason =>
        File.Exists(ExecutablePath) || string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
            ? null
            : $"Prometheus is not installed at {ExecutablePath}; install it (apt-get install -y prometheus) to run this test.";

    public static PrometheusServer Start(Uri target)
    {
        var directory = Directory.CreateTempSubdirectory("concertbooking-prometheus-").FullName;
        var config = Path.Combine(directory, "prometheus.yml");
        File.WriteAllText(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: concertbooking
                metrics_path: /metrics
                static_configs:
                  - targets: ["{target.Authority}"]
            """);
        var port = FreePort();
        var start = new ProcessStartInfo(ExecutablePath)
        {
            ArgumentList =
            {
                $"--config.file={config}",
                $"--storage.tsdb.path={Path.Combine(directory, "data")}",
                $"--web.listen-address=127.0.0.1:{port}",
                "--log.level=warn",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{ExecutablePath} did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => Log(directory, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new PrometheusServer(process, directory, new Uri($"http://127.0.0.1:{port}"));
    }

    public string Logs => File.Exists(LogPath(_directory)) ? File.ReadAllText(LogPath(_directory)) : "";

    /// <summary>The health of the scrape target as Prometheus reports it, or why there is none yet.</summary>
    public async Task<string> TargetHealthAsync()
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"prometheus exited with code {_process.ExitCode}: {Logs}");
        }

        try
        {
            var body = await _http.GetFromJsonAsync<JsonElement>("/api/v1/targets");
            var targets = body.GetProperty("data").GetProperty("activeTargets");
            return targets.GetArrayLength() == 0 ? "no target yet" : targets[0].GetProperty("health").GetString() ?? "";
        }
        catch (HttpRequestException ex)
        {
            return $"not answering yet ({ex.Message})";
        }
    }

    /// <summary>An instant query: each series' labels and value.</summary>
    public async Task<List<(Dictionary<string, string> Labels, double Value)>> QueryAsync(string promQl)
    {
        var body = await _http.GetFromJsonAsync<JsonElement>($"/api/v1/query?query={Uri.EscapeDataString(promQl)}");
        return body.GetProperty("data").GetProperty("result").EnumerateArray()
            .Select(r => (
                r.GetProperty("metric").EnumerateObject().ToDictionary(l => l.Name, l => l.Value.GetString() ?? ""),
                double.Parse(r.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture)))
            .ToList();
    }

    public void Dispose()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Its TSDB may still be closing; the temp directory is reclaimed later.
        }
    }

    private static string LogPath(string directory) => Path.Combine(directory, "prometheus.log");

    private static void Log(string directory, string? line)
    {
        if (line is not null)
        {
            File.AppendAllText(LogPath(directory), line + Environment.NewLine);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A test that runs Debian's Prometheus; skipped, with the reason, only where it is absent outside CI.</summary>
public sealed class PrometheusFactAttribute : FactAttribute
{
    public PrometheusFactAttribute()
    {
        Skip = PrometheusServer.SkipReason;
    }
}
