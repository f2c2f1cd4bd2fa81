using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using ConcertBooking.Bench.Measurement;

namespace ConcertBooking.Bench.Web;

/// <summary>What the watchers saw during one phase.</summary>
public sealed record WatchSummary(long Polls, long Changed, long Errors, double PollsPerSecond, TimeSpan P50, TimeSpan P99, long Bytes);

/// <summary>
/// W fans with the seat map open: each polls the live snapshot every interval with the ETag it last saw, as the
/// page does (the browser revalidates), on a connection of its own. Start times are spread over one interval.
/// </summary>
public sealed class SeatMapWatchers(Uri baseAddress, long concertId, int watchers, TimeSpan interval)
{
    public async Task<WatchSummary> RunAsync(TimeSpan warmup, TimeSpan duration, CancellationToken cancellationToken)
    {
        if (watchers == 0)
        {
            return new WatchSummary(0, 0, 0, 0, TimeSpan.Zero, TimeSpan.Zero, 0);
        }

        using var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = watchers,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        })
        { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var path = $"/app/concerts/{concertId}/seat-states";
        var latencies = new List<long>[watchers];
        long changed = 0, errors = 0, bytes = 0;
        var measureFrom = Stopwatch.GetTimestamp() + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        using var stop = new CancellationTokenSource(warmup + duration);

        async Task Watch(int index)
        {
            latencies[index] = [];
            string? etag = null;
            await Task.Delay(interval * index / watchers, cancellationToken);
            while (!stop.IsCancellationRequested)
            {
                var next = Task.Delay(interval, cancellationToken);
                var start = Stopwatch.GetTimestamp();
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, path);
                    request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("br"));
                    if (etag is not null)
                    {
                        request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Parse(etag));
                    }

                    using var response = await http.SendAsync(request, cancellationToken);
                    var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                    if (start >= measureFrom)
                    {
                        latencies[index].Add(Stopwatch.GetTimestamp() - start);
                        Interlocked.Add(ref bytes, body.Length);
                        if (response.StatusCode == HttpStatusCode.OK)
                        {
                            Interlocked.Increment(ref changed);
                        }
                        else if (response.StatusCode != HttpStatusCode.NotModified)
                        {
                            Interlocked.Increment(ref errors);
                        }
                    }

                    etag = response.Headers.ETag?.ToString() ?? etag;
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref errors);
                }

                await next;
            }
        }

        await Task.WhenAll(Enumerable.Range(0, watchers).Select(i => Task.Run(() => Watch(i), CancellationToken.None)));
        var all = latencies.SelectMany(l => l).Order().ToArray();
        TimeSpan At(double q) => all.Length == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(0, all[Math.Min(all.Length - 1, (int)(q * all.Length))]);
        return new WatchSummary(all.Length, changed, errors, all.Length / duration.TotalSeconds, At(0.50), At(0.99), bytes);
    }
}
