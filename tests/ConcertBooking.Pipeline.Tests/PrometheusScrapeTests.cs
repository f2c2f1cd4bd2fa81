using System.Net;
using ConcertBooking.Pipeline.Tests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace ConcertBooking.Pipeline.Tests;

/// <summary>A real Prometheus scraping the app on real Kestrel sees the target up and the lag, backlog and counters.</summary>
public sealed class PrometheusScrapeTests : IDisposable
{
    private readonly PipelineApp _app = new();
    private PrometheusServer? _prometheus;

    [PrometheusFact]
    public async Task Prometheus_scrapes_metrics_and_sees_the_lag_backlog_and_booking_counters()
    {
        _app.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _app.StartServer();
        var address = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());

        var admin = await _app.ClientForAsync("admin@example.com");
        var fan = await _app.ClientForAsync("prometheus-fan@example.com");
        var (concertId, seats) = await Booking.CreateOpenConcertAsync(admin, seats: 1);
        await Booking.ChargeAsync(fan, 100_000);
        await Booking.PayAsync(fan, await Booking.HoldAsync(fan, concertId, seats[0]));
        await _app.WaitUntilAllGroupsProcessedEverythingAsync();

        _prometheus = PrometheusServer.Start(address);
        await Eventually.WaitAsync(_prometheus.TargetHealthAsync, health => health == "up", $"Prometheus to scrape {address} successfully");

        // A group's gauge follows its last fetch, which may come a scrape after the handling the wait above saw.
        var lag = await Eventually.WaitAsync(
            () => _prometheus.QueryAsync("max by (messaging_consumer_group_name) (concertbooking_consumer_lag)"),
            series => series.Count == PipelineApp.Groups.Length && series.All(s => s.Value == 0),
            "a lag series per consumer group, each at 0");
        Assert.Equal(PipelineApp.Groups.Order(), lag.Select(s => s.Labels["messaging_consumer_group_name"]).Order());

        Assert.Equal(0, Assert.Single(await _prometheus.QueryAsync("concertbooking_outbox_backlog")).Value);
        Assert.NotEmpty(await _prometheus.QueryAsync("concertbooking_consumer_lag_age_seconds"));
        Assert.True(Assert.Single(await _prometheus.QueryAsync("sum(messaging_client_sent_messages_total)")).Value >= 3, "hold, payment and sell-out sent");
        Assert.Equal(PipelineApp.Groups.Length, (await _prometheus.QueryAsync("sum by (messaging_consumer_group_name) (concertbooking_events_handled_total)")).Count);
        foreach (var counter in new[] { "concertbooking_holds_total", "concertbooking_payments_total", "concertbooking_concerts_sold_out_total" })
        {
            Assert.True(Assert.Single(await _prometheus.QueryAsync(counter)).Value >= 1, counter);
        }
    }

    public void Dispose()
    {
        _prometheus?.Dispose();
        _app.Dispose();
    }
}
