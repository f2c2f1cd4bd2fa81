using System.Text.Json;
using ConcertBooking.Api.Tests.Support;
using ConcertBooking.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ConcertBooking.Api.Tests;

public sealed class HostingTests
{
    /// <summary>
    /// A configuration file that reloads on change makes the host watch its whole content root, which holds the
    /// SQLite data directory: the watcher then wakes on every write to the database.
    /// </summary>
    [Fact]
    public async Task No_configuration_file_is_watched_for_changes()
    {
        await using var api = await BookingApi.StartAsync(DatabaseProvider.Sqlite);
        var configuration = (IConfigurationRoot)api.Services.GetRequiredService<IConfiguration>();

        var files = configuration.Providers.OfType<FileConfigurationProvider>().ToList();
        Assert.Contains(files, f => f.Source.Path == "appsettings.json");
        Assert.All(files, f => Assert.False(f.Source.ReloadOnChange, $"{f.Source.Path} reloads on change"));
    }

    /// <summary>The API reference (Scalar) can authorize only when the document declares how.</summary>
    [Fact]
    public async Task The_OpenAPI_document_declares_the_bearer_scheme_on_the_endpoints_that_need_a_token()
    {
        await using var api = await BookingApi.StartAsync(DatabaseProvider.Sqlite);

        var document = await (await api.Anonymous().GetAsync("/openapi/v1.json")).ReadAsync<JsonElement>();

        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
        var paths = document.GetProperty("paths");
        var hold = paths.GetProperty("/api/reservations").GetProperty("post");
        Assert.Contains(hold.GetProperty("security").EnumerateArray(), requirement => requirement.TryGetProperty("Bearer", out _));
        Assert.False(paths.GetProperty("/api/auth/token").GetProperty("post").TryGetProperty("security", out _));
    }
}
