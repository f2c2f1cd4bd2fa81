using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ConcertBooking.Api.Tests.Support;
using ConcertBooking.Contracts;
using ConcertBooking.Infrastructure;
using ConcertBooking.Messaging;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;

namespace ConcertBooking.Api.Tests;

/// <summary>The dead letters' states and the operators' audit, stored on each database provider.</summary>
public abstract class DeadLetterAuditTests(DatabaseProvider provider) : ProviderTests(provider)
{
    [ProviderFact]
    public async Task A_discarded_dead_letter_keeps_its_state_and_the_audit_says_who_did_it_and_when()
    {
        var admin = await Api.AdminAsync();
        var key = "poison-" + Guid.NewGuid().ToString("N");
        var kafka = Api.Services.GetRequiredService<KafkaConnection>();
        await kafka.WaitReadyAsync(CancellationToken.None);
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build())
        {
            await producer.ProduceAsync(Topics.ReservationEvents, new Message<string, string> { Key = key, Value = "not json" });
        }

        var query = $"/api/admin/dead-letters?topic={Topics.ReservationEvents}&group=notification-service&state=PARKED";
        var letter = await WaitForAsync(admin.Http, query, key);
        Assert.Equal("notification-service", letter.GetProperty("failure").GetProperty("group").GetString());

        var discard = await admin.Http.PostAsJsonAsync("/api/admin/dead-letters/discard", new
        {
            records = new[] { new { topic = letter.GetProperty("topic").GetString(), partition = letter.GetProperty("partition").GetInt32(), offset = letter.GetProperty("offset").GetInt64() } },
        });
        Assert.Equal(1, (await discard.ReadAsync<JsonElement>()).GetProperty("discarded").GetInt32());

        var discarded = await Items(admin.Http, $"/api/admin/dead-letters?topic={Topics.ReservationEvents}&group=notification-service&state=DISCARDED");
        var mine = Assert.Single(discarded, l => l.GetProperty("key").GetString() == key);
        Assert.Equal(BookingApi.AdminEmail, mine.GetProperty("stateChangedBy").GetString());
        Assert.DoesNotContain(await Items(admin.Http, query), l => l.GetProperty("key").GetString() == key);

        var audit = await (await admin.Http.GetAsync("/api/admin/audit?limit=10")).ReadAsync<JsonElement>();
        var entry = Assert.Single(audit.EnumerateArray());
        Assert.Equal(BookingApi.AdminEmail, entry.GetProperty("by").GetString());
        Assert.Equal("dead-letters.discard", entry.GetProperty("action").GetString());
        Assert.Equal(Api.Clock.GetUtcNow(), entry.GetProperty("at").GetDateTimeOffset());
        Assert.Contains($"{letter.GetProperty("topic").GetString()}/{letter.GetProperty("partition").GetInt32()}/{letter.GetProperty("offset").GetInt64()}",
            entry.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private static async Task<JsonElement> WaitForAsync(HttpClient admin, string query, string key)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var found = (await Items(admin, query)).FirstOrDefault(l => l.GetProperty("key").GetString() == key);
            if (found.ValueKind == JsonValueKind.Object)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, $"No dead letter with key {key} within 60 s.");
            await Task.Delay(100);
        }
    }

    private static async Task<List<JsonElement>> Items(HttpClient admin, string query)
    {
        var response = await admin.GetAsync(query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.ReadAsync<JsonElement>()).GetProperty("items").EnumerateArray().ToList();
    }
}

public sealed class SqliteDeadLetterAuditTests() : DeadLetterAuditTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class PostgresDeadLetterAuditTests() : DeadLetterAuditTests(DatabaseProvider.Postgres);
