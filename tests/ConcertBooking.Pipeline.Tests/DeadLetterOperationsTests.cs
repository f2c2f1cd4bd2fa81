using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ConcertBooking.Contracts;
using ConcertBooking.Messaging;
using ConcertBooking.Pipeline.Tests.Support;
using Confluent.Kafka;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace ConcertBooking.Pipeline.Tests;

/// <summary>Operators list, redrive and discard dead letters through the admin API, against the whole pipeline.</summary>
public sealed class DeadLetterOperationsTests(DeadLetterOperationsTests.App fixture) : IClassFixture<DeadLetterOperationsTests.App>
{
    private readonly PipelineApp _app = fixture.Pipeline;

    [Fact]
    public async Task A_poison_record_is_listed_with_its_failure_by_every_group_then_discarded_and_the_discard_is_audited()
    {
        var admin = await _app.ClientForAsync("admin@example.com");
        var key = "poison-" + Guid.NewGuid().ToString("N");
        await TopicRecords.ProduceAsync(_app.Kafka.BootstrapServers, [(Topics.ReservationEvents, key, "not json"u8.ToArray(), (Headers?)null)]);

        var letters = await OperationsApi.WaitForDeadLettersAsync(admin, key, PipelineApp.Groups.Length);
        Assert.Equal(PipelineApp.Groups.Order(), letters.Select(l => l.Failure.Group).Order());
        Assert.All(letters, letter =>
        {
            Assert.Equal(TopicNames.ReservationEventsDeadLetter, letter.Topic);
            Assert.Equal("PARKED", letter.State);
            Assert.Equal("not json", letter.Value);
            Assert.Equal(Topics.ReservationEvents, letter.Failure.OriginalTopic);
            Assert.Equal(0, letter.Failure.Attempts);
            Assert.False(string.IsNullOrWhiteSpace(letter.Failure.Exception));
            Assert.False(string.IsNullOrWhiteSpace(letter.Failure.Reason));
            Assert.NotNull(letter.Failure.FailedAt);

            // Spring Kafka's headers beside ours, decoded for reading.
            Assert.Equal(Topics.ReservationEvents, letter.Headers["kafka_dlt-original-topic"]);
            Assert.Equal(letter.Failure.OriginalPartition?.ToString(CultureInfo.InvariantCulture), letter.Headers["kafka_dlt-original-partition"]);
            Assert.Equal(letter.Failure.OriginalOffset?.ToString(CultureInfo.InvariantCulture), letter.Headers["kafka_dlt-original-offset"]);
            Assert.Equal(letter.Failure.Group, letter.Headers["kafka_dlt-original-consumer-group"]);
            Assert.Equal(letter.Failure.Exception, letter.Headers["kafka_dlt-exception-fqcn"]);
        });
        Assert.Single(letters.Select(l => (l.Failure.OriginalPartition, l.Failure.OriginalOffset)).Distinct());

        // The group filter narrows to one group's letter.
        var notification = await OperationsApi.DeadLettersAsync(admin, $"?topic={Topics.ReservationEvents}&group=notification-service");
        Assert.Single(notification, l => l.Key == key);

        var response = await admin.PostAsJsonAsync("/api/admin/dead-letters/discard", new { records = letters.Select(l => l.Ref) });
        Assert.Equal(3, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("discarded").GetInt32());

        Assert.DoesNotContain(await OperationsApi.DeadLettersAsync(admin, "?state=PARKED"), l => l.Key == key);
        var discarded = (await OperationsApi.DeadLettersAsync(admin, "?state=DISCARDED")).Where(l => l.Key == key).ToList();
        Assert.Equal(3, discarded.Count);
        Assert.All(discarded, l => Assert.Equal("admin@example.com", l.StateChangedBy));

        var again = await admin.PostAsJsonAsync("/api/admin/dead-letters/discard", new { records = letters.Take(1).Select(l => l.Ref) });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);

        var audit = await OperationsApi.AuditAsync(admin);
        var entry = Assert.Single(audit, a => a.Action == "dead-letters.discard" && letters.All(l => a.Detail.Contains($"{l.Topic}/{l.Partition}/{l.Offset}", StringComparison.Ordinal)));
        Assert.Equal("admin@example.com", entry.By);
        Assert.True(DateTimeOffset.UtcNow - entry.At < TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task A_record_three_groups_parked_is_redriven_once_and_parked_again_by_each_group_while_it_is_still_poison()
    {
        var admin = await _app.ClientForAsync("admin@example.com");
        var key = "poison-" + Guid.NewGuid().ToString("N");
        await TopicRecords.ProduceAsync(_app.Kafka.BootstrapServers, [(Topics.PaymentEvents, key, "{\"eventType\":"u8.ToArray(), (Headers?)null)]);
        var letters = await OperationsApi.WaitForDeadLettersAsync(admin, key, PipelineApp.Groups.Length);

        var response = await admin.PostAsJsonAsync("/api/admin/dead-letters/redrive", new { filter = new { topic = Topics.PaymentEvents, eventType = (string?)null } });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        Assert.True(body.GetProperty("redriven").GetInt32() >= 3, body.ToString());

        // One copy went back (the three letters are one failed record), and every group parked it again.
        var copies = TopicRecords.ReadAll(_app.Kafka.BootstrapServers, Topics.PaymentEvents).Where(r => r.Message.Key == key).ToList();
        Assert.Equal(2, copies.Count);
        var copy = copies.Single(r => r.Message.Headers.TryGetLastBytes(KafkaHeaders.RedrivenFrom, out _));
        Assert.DoesNotContain(copy.Message.Headers, h => h.Key.StartsWith("kafka_dlt-", StringComparison.Ordinal) || h.Key == KafkaHeaders.DeadLetterGroup);
        var parkedAgain = await OperationsApi.WaitForDeadLettersAsync(admin, key, PipelineApp.Groups.Length);
        Assert.All(parkedAgain, l => Assert.Equal(copy.Offset.Value, l.Failure.OriginalOffset));
        Assert.All(await OperationsApi.DeadLettersAsync(admin, "?state=REDRIVEN"), l => Assert.Equal("admin@example.com", l.StateChangedBy));
        Assert.Equal(letters.Select(l => l.Offset).Order(), (await OperationsApi.DeadLettersAsync(admin, "?state=REDRIVEN")).Where(l => l.Key == key).Select(l => l.Offset).Order());
        Assert.Contains(await OperationsApi.AuditAsync(admin), a => a.Action == "dead-letters.redrive" && a.Target.Contains(Topics.PaymentEvents + ".DLT", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_spring_headers_carry_partition_and_offset_as_big_endian_integers()
    {
        var admin = await _app.ClientForAsync("admin@example.com");
        var key = "poison-" + Guid.NewGuid().ToString("N");
        await TopicRecords.ProduceAsync(_app.Kafka.BootstrapServers, [(Topics.ConcertEvents, key, "[]"u8.ToArray(), (Headers?)null)]);
        await OperationsApi.WaitForDeadLettersAsync(admin, key, PipelineApp.Groups.Length);
        var original = TopicRecords.ReadAll(_app.Kafka.BootstrapServers, Topics.ConcertEvents).Single(r => r.Message.Key == key);

        var letter = TopicRecords.ReadAll(_app.Kafka.BootstrapServers, TopicNames.ConcertEventsDeadLetter).First(r => r.Message.Key == key);
        var headers = letter.Message.Headers;
        Assert.True(headers.TryGetLastBytes("kafka_dlt-original-partition", out var partition));
        Assert.Equal(original.Partition.Value, BinaryPrimitives.ReadInt32BigEndian(partition));
        Assert.True(headers.TryGetLastBytes("kafka_dlt-original-offset", out var offset));
        Assert.Equal(original.Offset.Value, BinaryPrimitives.ReadInt64BigEndian(offset));
        Assert.True(headers.TryGetLastBytes("kafka_dlt-original-timestamp", out var timestamp));
        Assert.Equal(original.Message.Timestamp.UnixTimestampMs, BinaryPrimitives.ReadInt64BigEndian(timestamp));
        Assert.True(headers.TryGetLastBytes("kafka_dlt-original-topic", out var topic));
        Assert.Equal(Topics.ConcertEvents, Encoding.UTF8.GetString(topic));
    }

    [Fact]
    public async Task Every_admin_route_answers_401_to_anonymous_callers_and_403_to_fans()
    {
        var fan = await _app.ClientForAsync("ops-fan@example.com");
        var anonymous = _app.CreateClient();
        var routes = _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.TrimStart('/').StartsWith("api/admin", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(method => (method, Path: Sample(e.RoutePattern))))
            .Distinct()
            .ToList();
        Assert.Contains(routes, r => r.Path == "/api/admin/dead-letters/redrive");
        Assert.Contains(routes, r => r.Path == "/api/admin/audit");

        // Every one of them is in the OpenAPI document.
        var document = await (await anonymous.GetAsync("/openapi/v1.json")).Content.ReadFromJsonAsync<JsonElement>();
        var documented = document.GetProperty("paths").EnumerateObject().Select(p => p.Name.TrimEnd('/')).ToHashSet();
        var templates = _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => "/" + e.RoutePattern.RawText?.Trim('/'))
            .Where(t => t.StartsWith("/api/admin", StringComparison.Ordinal))
            .Select(t => System.Text.RegularExpressions.Regex.Replace(t, @"\{(\w+)(:[^}]*)?\}", "{$1}"));
        Assert.All(templates, t => Assert.Contains(t, documented));

        foreach (var (client, status) in new[] { (anonymous, HttpStatusCode.Unauthorized), (fan, HttpStatusCode.Forbidden) })
        {
            foreach (var (method, path) in routes)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (method is "POST" or "PUT" or "PATCH")
                {
                    request.Content = new StringContent("{\"all\":true}", Encoding.UTF8, "application/json");
                }

                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                Assert.True(status == response.StatusCode, $"{method} {path}: {(int)response.StatusCode}");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }
    }

    /// <summary>A path the route matches: a topic for <c>{topic}</c>, 1 for every other parameter.</summary>
    private static string Sample(RoutePattern pattern) =>
        "/" + string.Join('/', pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart { Name: "topic" } => Topics.ReservationEvents,
            RoutePatternParameterPart => "1",
            _ => string.Empty,
        }))));

    [Theory]
    [InlineData("{}", "records")]
    [InlineData("{\"all\":false}", "all")]
    [InlineData("{\"all\":true,\"filter\":{}}", "records")]
    [InlineData("{\"records\":[]}", "records")]
    [InlineData("{\"records\":[{\"topic\":\"nope\",\"partition\":-1,\"offset\":-2}]}", "records[0].topic", "records[0].partition", "records[0].offset")]
    [InlineData("{\"records\":[{}]}", "records[0].topic", "records[0].partition", "records[0].offset")]
    [InlineData("{\"filter\":{\"topic\":\"orders\"}}", "filter.topic")]
    public async Task Bad_selections_are_400_problems_naming_the_field(string body, params string[] fields)
    {
        var admin = await _app.ClientForAsync("admin@example.com");
        foreach (var action in new[] { "redrive", "discard" })
        {
            var response = await admin.PostAsync($"/api/admin/dead-letters/{action}", new StringContent(body, Encoding.UTF8, "application/json"));
            await AssertValidationProblemAsync(response, fields);
        }
    }

    [Theory]
    [InlineData("/api/admin/dead-letters?state=LOST", "state")]
    [InlineData("/api/admin/dead-letters?limit=0", "limit")]
    [InlineData("/api/admin/dead-letters?topic=orders", "topic")]
    [InlineData("/api/admin/audit?limit=100000", "limit")]
    public async Task Bad_queries_are_400_problems_naming_the_field(string path, string field)
    {
        var admin = await _app.ClientForAsync("admin@example.com");
        await AssertValidationProblemAsync(await admin.GetAsync(path), field);
    }

    [Fact]
    public async Task A_dead_letter_that_does_not_exist_is_a_404_problem()
    {
        var admin = await _app.ClientForAsync("admin@example.com");
        var response = await admin.PostAsJsonAsync(
            "/api/admin/dead-letters/redrive", new { records = new[] { new { topic = TopicNames.ConcertEventsDeadLetter, partition = 0, offset = 999_999 } } });
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    internal static async Task AssertValidationProblemAsync(HttpResponseMessage response, params string[] fields)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");
        foreach (var field in fields)
        {
            Assert.True(errors.TryGetProperty(field, out _), $"No error for {field} in {text}");
        }
    }

    public sealed class App : IAsyncLifetime
    {
        public PipelineApp Pipeline { get; } = new(settings: [("Kafka:Retry:Backoff", "00:00:00.100")]);

        public Task InitializeAsync() => Task.CompletedTask;

        public async Task DisposeAsync() => await Pipeline.DisposeAsync();
    }
}
