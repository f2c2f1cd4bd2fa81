using System.Net;
using ConcertBooking.Pipeline.Tests.Support;

namespace ConcertBooking.Pipeline.Tests;

/// <summary><c>GET /metrics</c> after real bookings: what a Prometheus scrape of the app reads.</summary>
public sealed class MetricsTests : IDisposable
{
    private readonly PipelineApp _app = new();

    [Fact]
    public async Task After_a_booking_metrics_show_what_was_sent_and_what_each_group_received_and_handled()
    {
        var admin = await _app.ClientForAsync("admin@example.com");
        var fan = await _app.ClientForAsync("metrics-fan@example.com");
        var (concertId, seats) = await Booking.CreateOpenConcertAsync(admin, seats: 2);
        await Booking.ChargeAsync(fan, 100_000);
        await Booking.PayAsync(fan, await Booking.HoldAsync(fan, concertId, seats[0]));
        var otherFan = await _app.ClientForAsync("metrics-fan-2@example.com");
        await Booking.ChargeAsync(otherFan, 100_000);
        await Booking.PayAsync(otherFan, await Booking.HoldAsync(otherFan, concertId, seats[1]));
        await _app.WaitUntilAllGroupsProcessedEverythingAsync();

        // Anonymous, as Prometheus scrapes.
        var scraper = _app.CreateClient();
        var samples = await Eventually.WaitAsync(
            () => PrometheusText.ScrapeAsync(scraper),
            s => PipelineApp.Groups.All(g => Sum(s, "concertbooking_events_handled_total", g) >= 2
                    && s.Any(l => l.Name == "concertbooking_consumer_lag" && l.Label("messaging_consumer_group_name") == g)
                    && Sum(s, "concertbooking_consumer_lag", g) == 0
                    && s.Any(r => r.Name == "concertbooking_consumer_running" && r.Label("messaging_consumer_group_name") == g && r.Value == 1))
                && s.Any(b => b.Name == "concertbooking_outbox_backlog" && b.Value == 0),
            "every group running, its handled events, its lag back at 0 and the relay's empty backlog in /metrics");

        Assert.True(Sum(samples, "messaging_client_sent_messages_total", topic: "reservation-events") >= 1, "sent to reservation-events");
        Assert.True(Sum(samples, "messaging_client_sent_messages_total", topic: "payment-events") >= 1, "sent to payment-events");
        Assert.True(Sum(samples, "messaging_client_operation_duration_seconds_count") >= 2, "the relay's publish latency, per batch");
        foreach (var group in PipelineApp.Groups)
        {
            Assert.True(Sum(samples, "messaging_client_consumed_messages_total", group, "reservation-events") >= 1, $"{group} received from reservation-events");
            Assert.Contains(samples, s => s.Name == "messaging_process_duration_seconds_count" && s.Label("messaging_consumer_group_name") == group && s.Value >= 1);
        }

        foreach (var group in PipelineApp.Groups)
        {
            // One lag series per assigned partition of each topic the group reads, in records and in seconds.
            var lag = samples.Where(s => s.Name == "concertbooking_consumer_lag" && s.Label("messaging_consumer_group_name") == group).ToList();
            Assert.Contains(lag, s => s.Label("messaging_destination_name") == "reservation-events" && s.Label("messaging_destination_partition_id") is not null);
            Assert.Equal(lag.Count, samples.Count(s => s.Name == "concertbooking_consumer_lag_age_seconds" && s.Label("messaging_consumer_group_name") == group));
        }

        // Two seats held and paid, the second payment selling the concert out.
        Assert.True(Sum(samples, "concertbooking_holds_total") >= 2, "holds");
        Assert.True(Sum(samples, "concertbooking_payments_total") >= 2, "payments");
        Assert.True(Sum(samples, "concertbooking_concerts_sold_out_total") >= 1, "sell-outs");
        Assert.Contains(samples, s => s.Name == "concertbooking_waitlist_size" && s.Value == 0);
        Assert.Contains(samples, s => s.Name == "concertbooking_outbox_oldest_pending_age_seconds" && s.Value == 0);
        Assert.Contains(samples, s => s.Name.StartsWith("http_server_request_duration_seconds", StringComparison.Ordinal));
        Assert.Contains(samples, s => s.Name.StartsWith("dotnet_gc_", StringComparison.Ordinal) || s.Name.StartsWith("process_runtime_dotnet_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_scrape_endpoint_needs_no_token_by_default()
    {
        var response = await _app.CreateClient().GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_host_in_the_same_process_does_not_show_in_this_hosts_metrics()
    {
        // Meters are found by name process-wide: without care, this app's /metrics would report the other's holds and
        // gauges. This app runs first, so it would see every measurement the other makes.
        var scraper = _app.CreateClient();
        await PrometheusText.ScrapeAsync(scraper);
        using var other = new PipelineApp();
        var admin = await other.ClientForAsync("admin@example.com");
        var fan = await other.ClientForAsync("metrics-other-fan@example.com");
        var (concertId, seats) = await Booking.CreateOpenConcertAsync(admin, seats: 1);
        await Booking.HoldAsync(fan, concertId, seats[0]);
        await other.WaitUntilAllGroupsProcessedEverythingAsync();
        await Eventually.WaitAsync(
            () => PrometheusText.ScrapeAsync(other.CreateClient()),
            samples => Sum(samples, "concertbooking_holds_total") == 1,
            "the other app's hold in its own /metrics");

        var mine = await PrometheusText.ScrapeAsync(scraper);
        Assert.Equal(0, Sum(mine, "concertbooking_holds_total"));
        Assert.Equal(0, Sum(mine, "messaging_client_sent_messages_total"));
        Assert.Equal(PipelineApp.Groups.Length, mine.Count(s => s.Name == "concertbooking_consumer_running"));
    }

    public void Dispose() => _app.Dispose();

    private static double Sum(List<PrometheusSample> samples, string name, string? group = null, string? topic = null) =>
        samples.Where(s => s.Name == name
                && (group is null || s.Label("messaging_consumer_group_name") == group)
                && (topic is null || s.Label("messaging_destination_name") == topic))
            .Sum(s => s.Value);
}
