using ConcertBooking.Messaging.Consumers;
using ConcertBooking.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ConcertBooking.Messaging.Tests;

/// <summary>
/// A group commit ends the transaction on the shared connection, past EF; the interceptors of the contexts it enlisted
/// still hear of it (the outbox relay is woken that way).
/// </summary>
public sealed class GroupCommitListenerTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("concertbooking-group-listener-").FullName;
    private readonly CountingListener _listener = new();
    private IHost _host = null!;

    public async Task InitializeAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            EnvironmentName = Environments.Development,
            ContentRootPath = _directory,
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection([new("Database:DataDirectory", _directory)]);
        builder.AddDatabases();
        builder.Services.AddServiceDatabase<ProcessedEventsDbContext>(
            DatabaseExtensions.DefaultConnection, (_, db) => db.AddInterceptors(_listener), migrated: false);
        _host = builder.Build();
        await _host.StartAsync();
    }

    [Fact]
    public async Task Each_group_commit_tells_the_listening_interceptors_of_the_contexts_it_enlisted_once_committed()
    {
        for (var round = 1; round <= 3; round++)
        {
            await using var scope = _host.Services.CreateAsyncScope();
            var transactions = scope.ServiceProvider.GetRequiredService<WriteTransactions<ProcessedEventsDbContext>>();
            var seenInside = await transactions.RunAsync(
                async (db, ct) =>
                {
                    db.ProcessedEvents.Add(Processed(round));
                    await db.SaveChangesAsync(ct);
                    return _listener.Commits;
                },
                CancellationToken.None);

            // Not before the commit (the relay would read nothing new), and by the time the caller is answered.
            Assert.Equal(round - 1, seenInside);
            Assert.Equal(round, _listener.Commits);
        }
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static ProcessedEvent Processed(int round) => new()
    {
        GroupId = "listener-test",
        EventId = Guid.NewGuid(),
        EventType = "Test",
        Topic = "test",
        Partition = 0,
        Offset = round,
        OccurredAt = DateTimeOffset.UtcNow,
        ProcessedAt = DateTimeOffset.UtcNow,
    };

    private sealed class CountingListener : DbTransactionInterceptor, IGroupCommitListener
    {
        private int _commits;

        public int Commits => Volatile.Read(ref _commits);

        public void GroupCommitted() => Interlocked.Increment(ref _commits);
    }
}
