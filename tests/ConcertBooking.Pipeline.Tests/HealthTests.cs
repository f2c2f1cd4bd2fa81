using System.Net;
using System.Text.Json;
using ConcertBooking.Pipeline.Tests.Support;

namespace ConcertBooking.Pipeline.Tests;

/// <summary><c>/health/ready</c> as a load balancer or an operator reads it.</summary>
public sealed class HealthTests : IDisposable
{
    private readonly PipelineApp _app = new();

    [Fact]
    public async Task Ready_reports_database_kafka_and_each_consumer_group_with_its_lag_as_json()
    {
        var anonymous = _app.CreateClient();
        var checks = await Eventually.WaitAsync(
            async () =>
            {
                var response = await anonymous.GetAsync("/health/ready");
                Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
                using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                return body.RootElement.GetProperty("checks").EnumerateArray()
                    .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.Clone());
            },
            c => c.Values.All(check => check.GetProperty("status").GetString() == "Healthy") && PipelineApp.Groups.All(g => c.ContainsKey($"consumer-group:{g}")),
            "every check healthy, each group among them");

        Assert.Contains("database", checks.Keys);
        Assert.Contains("kafka", checks.Keys);
        foreach (var group in PipelineApp.Groups)
        {
            var data = checks[$"consumer-group:{group}"].GetProperty("data");
            Assert.True(data.GetProperty("running").GetBoolean());
            Assert.Equal(0, data.GetProperty("lag").GetInt64());
            Assert.True(data.GetProperty("lagSeconds").GetDouble() >= 0);
            Assert.False(data.TryGetProperty("lastError", out _));
        }

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);
    }

    public void Dispose() => _app.Dispose();
}
