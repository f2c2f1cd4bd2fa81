using System.Net.Http.Headers;
using System.Text;
using ConcertBooking.Api.Tests.Support;
using ConcertBooking.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ConcertBooking.Api.Tests;

/// <summary>
/// Every endpoint the API maps, found from its routing table (so a new endpoint is covered without editing this
/// test), gets a generated corpus of malformed requests: route values, query strings, bodies, content types,
/// charsets, sizes and headers. None may be answered with a 5xx, every error must be a problem document, and the
/// database must be exactly as it was.
/// </summary>
public abstract class RequestCorpusTests(DatabaseProvider provider) : ProviderTests(provider)
{
    private static readonly string[] RouteValues =
    [
        // No %00: Kestrel refuses a NUL in the path before the application sees it, and TestServer throws on it.
        "0", "-1", "424242", "99999999999999999999", "-9223372036854775809", "abc", "1e3", "1.5", "%FF%FE",
        "%EF%BC%91", "..%2F..%2Fetc%2Fpasswd", new string('9', 4000), "%20", "null",
    ];

    private static readonly string[] Queries =
    [
        "?from=9999-12-31T22:00:00Z&to=9999-12-31T23:59:59Z",
        "?from=0001-01-01T00:00:00Z&to=0001-01-01T05:00:00Z",
        "?from=0001-01-01&to=9999-12-31",
        "?from=2030-01-02&to=2030-01-01",
        "?from=yesterday&to=%00",
        "?from=2030-01-01T00:00:00%2B99:00&to=2030-01-01T00:00:00Z",
        "?asOf=9999-12-31T23:59:59.9999999Z",
        "?asOf=0001-01-01",
        "?limit=-1", "?limit=0", "?limit=99999999999999", "?limit=abc", "?limit=1&limit=2",
        "?status=%00", "?status=held", "?status=HELD&status=PAID", "?status=" + new string('X', 3000),
        "?from=" + new string('2', 8000),
    ];

    private static readonly string[] ContentTypes =
    [
        "application/json", "application/json; charset=utf-99", "application/json; charset=\"\"", "application/json; charset=\"utf-8\"", "application/json; charset=", "application/json; charset=utf-16",
        "application/json; charset=latin1", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data", "application/json;;;=",
    ];

    [ProviderFact]
    public async Task No_malformed_request_to_any_endpoint_gets_a_5xx_or_changes_anything()
    {
        var admin = await Api.AdminAsync();
        await Api.CreateConcertAsync(seats: 3);
        var before = await SnapshotAsync();
        var anonymous = Api.Anonymous();
        var forged = Api.CreateClient();
        forged.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + new string('A', 20) + "." + new string('B', 20) + ".sig");

        var failures = new List<string>();
        var sent = 0;
        foreach (var request in Corpus())
        {
            foreach (var (caller, client) in new[] { ("admin", admin.Http), ("anonymous", anonymous), ("forged", forged) })
            {
                if (caller != "admin" && request.Body is not null && sent % 7 != 0)
                {
                    continue; // Bodies matter past authentication; other callers get a sample of them.
                }

                sent++;
                using var message = request.ToMessage();
                using var response = await client.SendAsync(message);
                var status = (int)response.StatusCode;
                var mediaType = response.Content.Headers.ContentType?.MediaType;
                // A fans' web page answers people, so its own 4xx is a page (a path no route matches is still a problem);
                // everything a program calls answers problems.
                var answered = mediaType == "application/problem+json" || (request.IsWebPage && mediaType == "text/html");
                if (status >= 500 || (status >= 400 && !answered))
                {
                    var body = await response.Content.ReadAsStringAsync();
                    failures.Add($"{caller} {request}: {status} {mediaType} {body[..Math.Min(body.Length, 300)]}");
                }
            }
        }

        Assert.True(sent > 1000, $"Only {sent} requests were generated.");
        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} requests failed:\n" + string.Join("\n", failures.Take(40)));
        Assert.Equal(before, await SnapshotAsync());
    }

    [ProviderFact]
    public async Task A_body_in_an_unknown_charset_is_a_415_problem()
    {
        var concert = await Api.CreateConcertAsync(seats: 1);
        var fan = await Api.SignInAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/reservations")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes($"{{\"concertId\":{concert.Id},\"seatId\":1}}")),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=utf-99");

        await (await fan.Http.SendAsync(request)).AssertProblemAsync(System.Net.HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
        Assert.Equal(0, await Api.QueryAsync(db => db.Reservations.CountAsync()));
    }

    [ProviderFact]
    public async Task An_hourly_series_at_the_end_of_time_is_a_400_problem()
    {
        var admin = await Api.AdminAsync();

        var response = await admin.Http.GetAsync("/api/analytics/reservations/hourly?from=9999-12-31T22:00:00Z&to=9999-12-31T23:59:59Z");

        await response.AssertValidationProblemAsync("from");
    }

    private IEnumerable<CorpusRequest> Corpus()
    {
        var endpoints = Api.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()

            // A live stream (Server-Sent Events) answers a valid request without end; its bad requests have tests of their own.
            .Where(e => !e.Metadata.OfType<Microsoft.AspNetCore.Http.Metadata.IProducesResponseTypeMetadata>()
                .Any(p => p.ContentTypes.Contains("text/event-stream")))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (Method: m, Route: e.RoutePattern)))
            .Where(e => e.Method is "GET" or "POST" or "PUT" or "DELETE" or "PATCH")

            // The API reference pages are the libraries' own (OpenAPI, Scalar): they answer their 404s in plain text.
            .Where(e => e.Route.RawText is { } raw && !raw.StartsWith("/openapi", StringComparison.Ordinal) && !raw.StartsWith("/scalar", StringComparison.Ordinal))
            .ToList();
        Assert.True(endpoints.Count > 15, $"Only {endpoints.Count} endpoints found.");

        foreach (var (method, route) in endpoints)
        {
            var parameters = route.Parameters.Select(p => p.Name).ToList();
            var paths = parameters.Count == 0
                ? [Path(route, _ => "")]
                : RouteValues.Select(value => Path(route, _ => value)).ToList();
            if (method is "GET")
            {
                foreach (var query in Queries)
                {
                    yield return new CorpusRequest(method, Path(route, _ => "424242") + query, null, null, null);
                }
            }

            foreach (var path in paths)
            {
                if (method is "GET")
                {
                    yield return new CorpusRequest(method, path, null, null, null);
                    continue;
                }

                yield return new CorpusRequest(method, path, null, null, null);
                foreach (var body in Bodies())
                {
                    foreach (var contentType in ContentTypes)
                    {
                        yield return new CorpusRequest(method, path, body, contentType, null);
                    }
                }

                yield return new CorpusRequest(method, path, Encoding.UTF8.GetBytes("{}"), "application/json", new string('k', 5000));
                yield return new CorpusRequest(method, path, Encoding.UTF8.GetBytes("{}"), "application/json", "\u00e9\u00e8");
            }
        }
    }

    /// <summary>Malformed JSON, the wrong shapes, values out of every range, broken encodings and large sizes.</summary>
    private static IEnumerable<byte[]> Bodies()
    {
        string[] texts =
        [
            "", "{", "}", "null", "[]", "\"text\"", "42", "true", "{\"a\":}", "{'single':'quotes'}", "{\"a\":1,}",
            "{\"concertId\":1e400,\"seatId\":1}", "{\"concertId\":-0,\"seatId\":NaN}", "{\"amount\":9223372036854775808}",
            "{\"amount\":-9223372036854775808}", "{\"method\":\"POINTS\",\"method\":\"CASH\"}", "{\"email\":\"\\u0000@x.io\",\"name\":\"\\ud800\"}",
            "{\"email\":\"admin@example.com\",\"name\":" + new string('n', 200) + "}",
            "{\"name\":\"x\",\"venue\":\"y\",\"startsAt\":\"0001-01-01T00:00:00Z\",\"bookingOpensAt\":\"9999-12-31T23:59:59Z\",\"sections\":null}",
            "{\"name\":\"x\",\"venue\":\"y\",\"startsAt\":\"9999-12-31T23:59:59+14:00\",\"bookingOpensAt\":\"0001-01-01T00:00:00-14:00\",\"sections\":[{}]}",
            new string('[', 5000) + new string(']', 5000),
            "{\"x\":\"" + new string('x', 1_000_000) + "\"}",
        ];
        foreach (var text in texts)
        {
            yield return Encoding.UTF8.GetBytes(text);
        }

        yield return [0xFF, 0xFE, 0x7B, 0x00, 0x7D, 0x00];
        yield return [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D];
        yield return [0xEF, 0xBB, 0xBF, 0x7B, 0x7D];
        yield return [0x00, 0x00, 0x00, 0x00];
    }

    private static string Path(Microsoft.AspNetCore.Routing.Patterns.RoutePattern route, Func<string, string> valueOf) =>
        "/" + string.Join("/", route.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart parameter => valueOf(parameter.Name),
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternSeparatorPart separator => separator.Content,
            _ => "",
        }))));

    /// <summary>Row counts and totals of everything a request could change.</summary>
    private Task<string> SnapshotAsync() => Api.QueryAsync(async db =>
        string.Join(", ",
            $"users {await db.Users.CountAsync()}",
            $"balance {await db.Users.SumAsync(u => u.Balance)}",
            $"concerts {await db.Concerts.CountAsync()}",
            $"seats {await db.Seats.CountAsync()}",
            $"reservations {await db.Reservations.CountAsync()}",
            $"payments {await db.Payments.CountAsync()}",
            $"outbox {await db.OutboxMessages.CountAsync()}",
            $"idempotency {await db.IdempotencyRecords.CountAsync()}",
            $"waitlist {await db.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM \"WaitlistEntries\"").SingleAsync()}"));

    private sealed record CorpusRequest(string Method, string Path, byte[]? Body, string? ContentType, string? IdempotencyKey)
    {
        public bool IsWebPage => !Path.StartsWith("/api/", StringComparison.Ordinal) && !Path.StartsWith("/health/", StringComparison.Ordinal)
            && !Path.StartsWith("/app/", StringComparison.Ordinal);

        public HttpRequestMessage ToMessage()
        {
            var message = new HttpRequestMessage(new HttpMethod(Method), Path);
            if (Body is not null)
            {
                message.Content = new ByteArrayContent(Body);
                message.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            }

            if (IdempotencyKey is not null)
            {
                message.Headers.TryAddWithoutValidation("Idempotency-Key", IdempotencyKey);
            }

            return message;
        }

        public override string ToString() =>
            $"{Method} {(Path.Length > 120 ? Path[..120] + "…" : Path)} [{ContentType}] body {Body?.Length ?? -1} B{(IdempotencyKey is null ? "" : " with Idempotency-Key")}";
    }
}

public sealed class SqliteRequestCorpusTests() : RequestCorpusTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class PostgresRequestCorpusTests() : RequestCorpusTests(DatabaseProvider.Postgres);
