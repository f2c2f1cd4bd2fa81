using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ConcertBooking.Messaging.Consumers;
using ConcertBooking.Pipeline.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace ConcertBooking.Pipeline.Tests;

/// <summary>One booking is one trace: the HTTP request, the relay's send and every group's processing.</summary>
public sealed class TracingTests : IDisposable
{
    private readonly SpanCollection _spans = [];
    private readonly PipelineApp _app;

    public TracingTests() =>
        _app = new PipelineApp(services: s => s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(_spans)));

    [Fact]
    public async Task A_hold_is_one_trace_of_the_http_span_the_send_span_and_a_process_span_per_group()
    {
        var admin = await _app.ClientForAsync("admin@example.com");
        var fan = await _app.ClientForAsync("tracing-fan@example.com");
        var (concertId, seats) = await Booking.CreateOpenConcertAsync(admin, seats: 1);

        // Every group settled on its partitions first: a record read during a group's first rebalance may be read
        // again by the member that gets its partition, and that second read is a span of its own.
        var monitor = _app.Services.GetRequiredService<ConsumerGroupMonitor>();
        await Eventually.WaitAsync(
            () => Task.FromResult(monitor.Snapshot()),
            groups => groups.Count == PipelineApp.Groups.Length && groups.All(g => g.Running && g.Partitions.Count == 9),
            "every group assigned its nine partitions");
        await Booking.HoldAsync(fan, concertId, seats[0]);

        var trace = await Eventually.WaitAsync(
            () => Task.FromResult(HoldTrace()),
            // The server span is exported when the request's pipeline ends, which can be after the client has the
            // response and even after the groups' spans.
            spans => spans.Any(s => s.Kind == ActivityKind.Server) && spans.Count(s => s.Kind == ActivityKind.Consumer) >= PipelineApp.Groups.Length,
            "the hold's trace with its HTTP span and a process span per group");

        var http = Assert.Single(trace, s => s.Kind == ActivityKind.Server);
        var send = Assert.Single(trace, s => s.Kind == ActivityKind.Producer);
        var processes = trace.Where(s => s.Kind == ActivityKind.Consumer).ToList();
        Assert.True(trace.Count == 5, "expected 5 spans, saw " + string.Join(", ", trace.Select(s => $"{s.Kind} {s.DisplayName} ({s.Source.Name})")));

        Assert.Equal("/api/reservations", http.GetTagItem("url.path"));
        Assert.Equal("send reservation-events", send.DisplayName);
        Assert.Equal(http.SpanId, send.ParentSpanId);
        AssertMessaging(send, "send");
        Assert.NotNull(send.GetTagItem("messaging.kafka.offset"));

        Assert.Equal(PipelineApp.Groups.Order(), processes.Select(p => (string)p.GetTagItem("messaging.consumer.group.name")!).Order());
        foreach (var process in processes)
        {
            Assert.Equal("process reservation-events", process.DisplayName);
            Assert.Equal(send.SpanId, process.ParentSpanId);
            AssertMessaging(process, "process");
            Assert.Equal(send.GetTagItem("messaging.destination.partition.id"), process.GetTagItem("messaging.destination.partition.id"));
            Assert.Equal(send.GetTagItem("messaging.kafka.offset"), process.GetTagItem("messaging.kafka.offset"));
            Assert.Equal(send.GetTagItem("messaging.message.id"), process.GetTagItem("messaging.message.id"));
        }

        // The console reads the same trace from the process' recent traces, by the event it carried.
        var eventId = (string)send.GetTagItem("messaging.message.id")!;
        var recent = await Eventually.WaitAsync(
            async () => await admin.GetAsync($"/api/admin/traces?eventId={eventId}"),
            r => r.StatusCode == HttpStatusCode.OK,
            "the recent trace of the hold's event");
        var body = await recent.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(http.TraceId.ToHexString(), body.GetProperty("traceId").GetString());
        var names = body.GetProperty("spans").EnumerateArray().Select(s => s.GetProperty("name").GetString()).ToList();
        Assert.Equal(5, names.Count);
        Assert.Equal(3, names.Count(n => n == "process reservation-events"));
        Assert.Contains("send reservation-events", names);
    }

    [Fact]
    public async Task Recent_traces_are_for_admins_and_answer_bad_or_unknown_ids_with_problems()
    {
        var admin = await _app.ClientForAsync("admin@example.com");
        var fan = await _app.ClientForAsync("tracing-fan@example.com");

        Assert.Equal(HttpStatusCode.Forbidden, (await fan.GetAsync($"/api/admin/traces?eventId={Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.CreateClient().GetAsync("/api/admin/traces")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/admin/traces?eventId=not-a-uuid")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/admin/traces?traceId=XYZ")).StatusCode);
        var unknown = await admin.GetAsync($"/api/admin/traces?eventId={Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/admin/traces")).StatusCode);

        var openApi = await _app.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var operation = openApi.GetProperty("paths").GetProperty("/api/admin/traces").GetProperty("get");
        Assert.Contains(operation.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "eventId");
    }

    public void Dispose() => _app.Dispose();

    // The trace whose send span carried the hold's event: the HTTP span is its parent.
    private List<Activity> HoldTrace()
    {
        var spans = _spans.Snapshot();
        var send = spans.FirstOrDefault(s => s.Kind == ActivityKind.Producer && s.DisplayName == "send reservation-events");
        return send is null ? [] : spans.Where(s => s.TraceId == send.TraceId).ToList();
    }

    private static void AssertMessaging(Activity span, string operation)
    {
        Assert.Equal("kafka", span.GetTagItem("messaging.system"));
        Assert.Equal(operation, span.GetTagItem("messaging.operation.name"));
        Assert.Equal("reservation-events", span.GetTagItem("messaging.destination.name"));
        Assert.NotNull(span.GetTagItem("messaging.destination.partition.id"));
        Assert.NotNull(span.GetTagItem("messaging.kafka.message.key"));
    }
}
