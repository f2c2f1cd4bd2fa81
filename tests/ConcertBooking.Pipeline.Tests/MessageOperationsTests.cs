using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ConcertBooking.Contracts;
using ConcertBooking.Messaging;
using ConcertBooking.Messaging.Outbox;
using ConcertBooking.Pipeline.Tests.Support;
using Confluent.Kafka;
using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Pipeline.Tests;

/// <summary>Operators browse, filter, export and follow a topic's records through the admin API.</summary>
public sealed class MessageOperationsTests(DeadLetterOperationsTests.App fixture) : IClassFixture<DeadLetterOperationsTests.App>
{
    private readonly PipelineApp _app = fixture.Pipeline;

    [Fact]
    public async Task A_published_event_is_found_by_its_key_event_type_event_id_header_and_position_and_not_before_its_time()
    {
        var admin = await _app.ClientForAsync("admin@example.com");
        var outbox = await HoldEventAsync(admin);
        var topic = outbox.Topic;

        var byId = await Eventually.WaitAsync(
            () => OperationsApi.MessagesAsync(admin, topic, $"?eventId={outbox.EventId}"), page => page.Items.Count > 0, "the event on its topic");
        var record = Assert.Single(byId.Items);
        Assert.Equal(outbox.Key, record.Key);
        Assert.Equal(outbox.EventType, record.Headers[KafkaHeaders.EventType]);
        Assert.Contains("\n  \"", record.Value, StringComparison.Ordinal);
        Assert.Equal(outbox.EventId, JsonDocument.Parse(record.Value!).RootElement.GetProperty("eventId").GetGuid());

        Assert.Contains((await OperationsApi.MessagesAsync(admin, topic, $"?key={outbox.Key}&eventType={outbox.EventType}")).Items, r => r.Offset == record.Offset);
        Assert.Contains((await OperationsApi.MessagesAsync(admin, topic, $"?header={KafkaHeaders.EventId}:{outbox.EventId}")).Items, r => r.Offset == record.Offset);
        var atPosition = await OperationsApi.MessagesAsync(admin, topic, $"?partition={record.Partition}&offset={record.Offset}&limit=1");
        var same = Assert.Single(atPosition.Items);
        Assert.Equal((record.Partition, record.Offset, record.Key, record.Value), (same.Partition, same.Offset, same.Key, same.Value));
        Assert.Empty((await OperationsApi.MessagesAsync(admin, topic, $"?key={outbox.Key}&eventType=NoSuchEvent")).Items);

        var after = Uri.EscapeDataString(record.Timestamp.AddMilliseconds(1).ToString("O", CultureInfo.InvariantCulture));
        Assert.DoesNotContain((await OperationsApi.MessagesAsync(admin, topic, $"?from={after}&key={outbox.Key}")).Items, r => r.Offset == record.Offset);
        var at = Uri.EscapeDataString(record.Timestamp.ToString("O", CultureInfo.InvariantCulture));
        Assert.Contains((await OperationsApi.MessagesAsync(admin, topic, $"?from={at}&key={outbox.Key}")).Items, r => r.Offset == record.Offset);
    }

    [Fact]
    public async Task A_page_is_exported_as_a_pretty_json_file_and_the_next_page_follows_it()
    {
        var admin = await _app.ClientForAsync("admin@example.com");
        await HoldEventAsync(admin);
        var last = await HoldEventAsync(admin);
        await Eventually.WaitAsync(
            () => OperationsApi.MessagesAsync(admin, last.Topic, $"?eventId={last.EventId}"), page => page.Items.Count > 0, "the events on their topic");

        var response = await admin.GetAsync($"/api/admin/topics/{last.Topic}/messages?limit=1&download=true");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.StartsWith(last.Topic, response.Content.Headers.ContentDisposition?.FileNameStar, StringComparison.Ordinal);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("\n  \"items\"", text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        var page = JsonSerializer.Deserialize<MessagePageView>(text, PipelineApp.Json)!;
        var shown = Assert.Single(page.Items);
        Assert.NotNull(page.Next);

        var next = await OperationsApi.MessagesAsync(admin, last.Topic, $"?limit=1&cursor={page.Next.Cursor}");
        var following = Assert.Single(next.Items);
        Assert.NotEqual((shown.Partition, shown.Offset), (following.Partition, following.Offset));
        Assert.True(following.Partition > shown.Partition || following.Offset > shown.Offset);
    }

    [Fact]
    public async Task The_live_tail_streams_a_record_produced_after_it_opened()
    {
        var admin = await _app.ClientForAsync("admin@example.com");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var response = await admin.GetAsync($"/api/admin/messages/tail?topic={Topics.ConcertEvents}", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var stream = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token), Encoding.UTF8);
        Assert.StartsWith(": following", await stream.ReadLineAsync(timeout.Token), StringComparison.Ordinal);

        var key = "tail-" + Guid.NewGuid().ToString("N");
        await TopicRecords.ProduceAsync(_app.Kafka.BootstrapServers, [(TopicNames.ConcertEventsDeadLetter, key, "{}"u8.ToArray(), (Headers?)null)]);
        await TopicRecords.ProduceAsync(_app.Kafka.BootstrapServers, [(Topics.ConcertEvents, key, "{\"eventType\":\"Tail\"}"u8.ToArray(), (Headers?)null)]);

        string? eventName = null;
        while (await stream.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                eventName = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                var record = JsonSerializer.Deserialize<MessageItem>(line["data: ".Length..], PipelineApp.Json)!;
                Assert.Equal("record", eventName);
                Assert.Equal(Topics.ConcertEvents, record.Topic);
                if (record.Key == key)
                {
                    Assert.Contains("\"Tail\"", record.Value, StringComparison.Ordinal);
                    return;
                }
            }
        }

        Assert.Fail("The stream ended before the record came.");
    }

    [Theory]
    [InlineData("?from=yesterday", "from")]
    [InlineData("?header=nocolon", "header")]
    [InlineData("?cursor=abc", "cursor")]
    [InlineData("?offset=-1", "offset")]
    [InlineData("?limit=0", "limit")]
    [InlineData("?limit=501", "limit")]
    [InlineData("?partition=99", "partition")]
    [InlineData("?cursor=99:0", "cursor")]
    public async Task Bad_browse_queries_are_400_problems_naming_the_field(string query, string field)
    {
        var admin = await _app.ClientForAsync("admin@example.com");
        await DeadLetterOperationsTests.AssertValidationProblemAsync(await admin.GetAsync($"/api/admin/topics/{Topics.ConcertEvents}/messages{query}"), field);
    }

    [Theory]
    [InlineData("/api/admin/topics/orders/messages")]
    [InlineData("/api/admin/messages/tail?topic=orders")]
    public async Task An_unknown_topic_is_a_404_problem(string path)
    {
        var admin = await _app.ClientForAsync("admin@example.com");
        using var response = await admin.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>A fan holds a seat; the hold's event as the outbox stored it.</summary>
    private async Task<OutboxMessage> HoldEventAsync(HttpClient admin)
    {
        var (concertId, seats) = await Booking.CreateOpenConcertAsync(admin, seats: 1);
        var fan = await _app.ClientForAsync($"browse-{Guid.NewGuid():N}@example.com");
        var key = $"reservation-{await Booking.HoldAsync(fan, concertId, seats[0])}";
        return await _app.WithBookingDbAsync(db => db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Key == key));
    }
}
