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
}
