using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using ConcertBooking.Api.Features.Auth;
using ConcertBooking.Api.Tests.Support;
using ConcertBooking.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ConcertBooking.Api.Tests;

/// <summary>Who may sign in, with which token, under which settings; and which settings the API refuses to start with.</summary>
public sealed class AuthSecurityTests : IAsyncLifetime
{
    private BookingApi _api = null!;

    public async Task InitializeAsync() => _api = await BookingApi.StartAsync(DatabaseProvider.Sqlite);

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public void The_api_refuses_to_start_in_production_with_dev_tokens()
    {
        var failure = StartFails(Variant("Production"));

        Assert.Contains("Auth:DevTokens lets anyone sign in as anyone", failure, StringComparison.Ordinal);
        Assert.Contains("Auth:AllowInsecureDevTokens=true", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void The_api_refuses_to_start_in_staging_with_dev_tokens_and_its_own_key() =>
        Assert.Contains("Auth:DevTokens", StartFails(Variant("Staging", ("Auth:SigningKey", new string('k', 48)))), StringComparison.Ordinal);

    [Fact]
    public async Task Dev_tokens_outside_development_start_when_allowed_and_say_so_at_start()
    {
        var logs = new CapturedLogs();
        await using var api = Variant("Production", logs, ("Auth:AllowInsecureDevTokens", "true"));

        var response = await api.CreateClient().PostAsJsonAsync("/api/auth/token", new { email = "fan@example.com", name = "Fan" });

        await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(new SignInMode(DemoSignIn: true, Insecure: true), await api.CreateClient().GetFromJsonAsync<SignInMode>("/api/auth/mode"));
        Assert.Contains(logs.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("INSECURE: demo sign-in is on in Production", StringComparison.Ordinal)
            && l.Message.Contains("the published signing key", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Development_mentions_demo_sign_in_without_a_warning()
    {
        var logs = new CapturedLogs();
        await using var api = Variant("Development", logs);
        _ = api.Services;

        Assert.Contains(logs.Lines, l => l.Level == LogLevel.Information && l.Message.Contains("Demo sign-in is on", StringComparison.Ordinal));
        Assert.Equal(new SignInMode(DemoSignIn: true, Insecure: false), await api.CreateClient().GetFromJsonAsync<SignInMode>("/api/auth/mode"));
        Assert.DoesNotContain(logs.Lines, l => l.Message.Contains("INSECURE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_an_external_authority_a_token_signed_with_the_published_key_is_refused_and_no_key_is_needed()
    {
        var fan = await _api.SignInAsync();
        await using var api = Variant("Production", ExternalAuthority("https://idp.invalid", ("Auth:SigningKey", "")));
        var client = api.CreateClient();

        (await client.GetAsync("/api/concerts")).EnsureSuccessStatusCode();
        Assert.Equal(new SignInMode(DemoSignIn: false, Insecure: false), await client.GetFromJsonAsync<SignInMode>("/api/auth/mode"));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HandSigned(fan.UserId, admin: true));

        await (await client.GetAsync("/api/me/balance")).AssertStatusAsync(HttpStatusCode.Unauthorized);
        await (await client.GetAsync("/api/admin/kafka")).AssertStatusAsync(HttpStatusCode.Unauthorized);
        await (await client.PostAsync("/api/auth/token", JsonContent.Create(new { email = "admin@example.com", name = "X" }))).AssertStatusAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Outside_development_with_its_own_key_a_token_signed_with_the_published_key_is_refused()
    {
        var fan = await _api.SignInAsync();
        await using var api = Variant("Production", ("Auth:AllowInsecureDevTokens", "true"), ("Auth:SigningKey", new string('s', 48)));
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HandSigned(fan.UserId, admin: true));

        await (await client.GetAsync("/api/me/balance")).AssertStatusAsync(HttpStatusCode.Unauthorized);
        await (await client.GetAsync("/api/admin/kafka")).AssertStatusAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public void An_http_authority_is_refused_at_start() =>
        Assert.Contains("is not https", StartFails(Variant("Production", ExternalAuthority("http://idp.example.com"))), StringComparison.Ordinal);

    [Fact]
    public async Task An_http_authority_starts_when_https_metadata_is_waived_and_public_pages_answer()
    {
        await using var api = Variant("Production", ExternalAuthority("http://127.0.0.1:9", ("Auth:RequireHttpsMetadata", "false")));

        (await api.CreateClient().GetAsync("/api/concerts")).EnsureSuccessStatusCode();
    }

    [Fact]
    public void Dev_tokens_off_without_an_authority_is_refused_at_start() =>
        Assert.Contains("Auth:Authority", StartFails(Variant("Production", ("Auth:DevTokens", "false"))), StringComparison.Ordinal);

    [Fact]
    public void A_malformed_admin_email_in_the_settings_is_refused_at_start() =>
        Assert.Contains("Auth:AdminEmails", StartFails(Variant("Development", ("Auth:AdminEmails:0", "\u0430dmin@example.com"))), StringComparison.Ordinal);

    [Theory]
    [InlineData("ADMIN@EXAMPLE.COM")]
    [InlineData(" admin@example.com ")]
    [InlineData("admin@example.com\n")]
    [InlineData("\uFF41dmin@example.com")]
    public async Task Spellings_of_the_admin_address_are_the_one_admin_account(string email)
    {
        var admin = await _api.AdminAsync();

        var same = await _api.SignInAsync(email, "Someone");

        Assert.Equal(admin.UserId, same.UserId);
        Assert.Contains("admin", same.Roles);
        Assert.Equal(1, await _api.QueryAsync(db => db.Users.CountAsync()));
    }

    [Theory]
    [InlineData("\u0430dmin@example.com")]
    [InlineData("admin\u200B@example.com")]
    [InlineData("admin@example.com\u0000")]
    [InlineData("@")]
    [InlineData("admin@")]
    [InlineData("admin@localhost")]
    [InlineData("")]
    public async Task A_lookalike_or_malformed_email_creates_no_account(string email)
    {
        var response = await _api.Anonymous().PostAsJsonAsync("/api/auth/token", new { email, name = "Mallory" });

        await response.AssertValidationProblemAsync("email");
        Assert.Equal(0, await _api.QueryAsync(db => db.Users.CountAsync()));
    }

    [Fact]
    public async Task A_validly_signed_token_of_a_user_that_does_not_exist_is_401_everywhere()
    {
        var fan = await _api.SignInAsync();
        var concert = await _api.CreateConcertAsync(seats: 2);
        var ghost = _api.CreateClient();
        ghost.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HandSigned(fan.UserId + 1000, admin: true));

        await (await ghost.GetAsync("/api/me/balance")).AssertStatusAsync(HttpStatusCode.Unauthorized);
        await (await ghost.GetAsync("/api/me/reservations")).AssertStatusAsync(HttpStatusCode.Unauthorized);
        await (await ghost.PostAsJsonAsync("/api/reservations", new { concertId = concert.Id, seatId = 1 })).AssertStatusAsync(HttpStatusCode.Unauthorized);
        await (await ghost.PostAsync($"/api/concerts/{concert.Id}/waitlist", content: null)).AssertStatusAsync(HttpStatusCode.Unauthorized);
        await (await ghost.GetAsync("/api/admin/kafka")).AssertStatusAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(0, await _api.QueryAsync(db => db.Reservations.CountAsync()));

        // The same key and claims for a user that exists pass, so the 401s above are about the user alone.
        var real = _api.CreateClient();
        real.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HandSigned(fan.UserId, admin: false));
        await (await real.GetAsync("/api/me/balance")).AssertStatusAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_user_created_after_a_refused_token_is_found_on_the_next_request()
    {
        var first = await _api.SignInAsync();
        var next = _api.CreateClient();
        next.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HandSigned(first.UserId + 1, admin: false));
        await (await next.GetAsync("/api/me/balance")).AssertStatusAsync(HttpStatusCode.Unauthorized);

        var second = await _api.SignInAsync();

        Assert.Equal(first.UserId + 1, second.UserId);
        await (await next.GetAsync("/api/me/balance")).AssertStatusAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_token_whose_subject_is_not_a_user_id_is_401()
    {
        var client = _api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HandSigned(subject: "alice", admin: false));

        await (await client.GetAsync("/api/me/balance")).AssertStatusAsync(HttpStatusCode.Unauthorized);
    }

    private string HandSigned(long userId, bool admin) => HandSigned(userId.ToString(System.Globalization.CultureInfo.InvariantCulture), admin);

    /// <summary>A token made by hand with the key published in appsettings.json, as anyone who read the repository could.</summary>
    private string HandSigned(string subject, bool admin)
    {
        var now = _api.Clock.GetUtcNow().UtcDateTime;
        var claims = new List<Claim> { new("sub", subject), new("email", "mallory@example.com"), new("role", "fan") };
        if (admin)
        {
            claims.Add(new Claim("role", "admin"));
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = "concertbooking-dev",
            Audience = "concertbooking",
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddHours(1),
            SigningCredentials = new SigningCredentials(
                new SymmetricSecurityKey(Encoding.UTF8.GetBytes(AuthOptions.PublishedSigningKey)), SecurityAlgorithms.HmacSha256),
        });
    }

    private static (string, string?)[] ExternalAuthority(string authority, params (string, string?)[] more) =>
        [("Auth:DevTokens", "false"), ("Auth:Authority", authority), .. more];

    private WebApplicationFactory<Program> Variant(string environment, params (string Key, string? Value)[] settings) =>
        Variant(environment, logs: null, settings);

    /// <summary>The test's API on the same database, in another environment and with other settings.</summary>
    private WebApplicationFactory<Program> Variant(string environment, CapturedLogs? logs, params (string Key, string? Value)[] settings) =>
        _api.WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment(environment);
            builder.ConfigureAppConfiguration((_, configuration) =>
                configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))));
            if (logs is not null)
            {
                builder.ConfigureLogging(logging => logging.AddProvider(logs).AddFilter<CapturedLogs>(level => level >= LogLevel.Information));
            }
        });

    private static string StartFails(WebApplicationFactory<Program> api)
    {
        using (api)
        {
            var failure = Assert.ThrowsAny<Exception>(() => api.Services);
            return string.Join(" | ", Chain(failure).Select(e => e.Message));
        }

        static IEnumerable<Exception> Chain(Exception? e)
        {
            for (; e is not null; e = e.InnerException)
            {
                yield return e;
            }
        }
    }
}
