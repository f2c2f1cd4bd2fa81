using ConcertBooking.Messaging.Hosting;
using ConcertBooking.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace ConcertBooking.OpsConsole.Api;

public sealed record LatencyRequest(int? Ms);

/// <param name="Requests">Which requests fail: <c>produce</c> (default), <c>fetch</c>, <c>metadata</c>, <c>offsetcommit</c>, <c>heartbeat</c>.</param>
/// <param name="Count">How many of them, 1 to 1000 (default 10).</param>
/// <param name="Error">The Kafka error code returned (default 7, REQUEST_TIMED_OUT, which clients retry).</param>
public sealed record RequestErrorsRequest(string? Requests, int? Count, int? Error);

/// <summary>The fault lab: only where the cluster allows fault injection (the embedded cluster this process owns).</summary>
internal static class FaultLabEndpoints
{
    private const int RequestTimedOut = 7;

    public static void MapFaultLabEndpoints(RouteGroupBuilder reads, RouteGroupBuilder actions)
    {
        reads.MapGet("/kafka/brokers", (IServiceProvider services) =>
                Lab(services) is { } lab ? Results.Ok(lab.Brokers) : NoLab())
            .WithSummary("Fault lab: each broker's injected state (down, latency, pending request errors). Embedded cluster only.");

        actions.MapPost("/kafka/brokers/{id:int}/down", (int id, IServiceProvider services) => Apply(services, id, lab => lab.SetDown(id)))
            .WithSummary("Fault lab: takes the broker down (connections drop; its partitions' leadership moves to live replicas).");
        actions.MapPost("/kafka/brokers/{id:int}/up", (int id, IServiceProvider services) => Apply(services, id, lab => lab.SetUp(id)))
            .WithSummary("Fault lab: brings the broker back.");
        actions.MapPost("/kafka/brokers/{id:int}/latency", (int id, LatencyRequest request, IServiceProvider services) =>
                request.Ms is not (>= 0 and <= 60_000)
                    ? Problems.Invalid("ms", "ms must be 0 to 60000 (0 removes the latency).")
                    : Apply(services, id, lab => lab.SetLatency(id, TimeSpan.FromMilliseconds(request.Ms.Value))))
            .WithSummary("Fault lab: delays every response of the broker by ms milliseconds (0 removes the delay).");
        actions.MapPost("/kafka/brokers/{id:int}/errors", (int id, RequestErrorsRequest request, IServiceProvider services) =>
            {
                if (!Enum.TryParse<BrokerRequestKind>(request.Requests ?? "produce", ignoreCase: true, out var kind) || !Enum.IsDefined(kind) || int.TryParse(request.Requests, out _))
                {
                    return Problems.Invalid("requests", "requests must be produce, fetch, metadata, offsetcommit or heartbeat.");
                }

                if (request.Count is { } count && count is < 1 or > 1000)
                {
                    return Problems.Invalid("count", "count must be 1 to 1000.");
                }

                if (request.Error is { } error && error is < 1 or > 200)
                {
                    return Problems.Invalid("error", "error must be a Kafka error code (1 to 200), e.g. 7 REQUEST_TIMED_OUT or 6 NOT_LEADER_OR_FOLLOWER.");
                }

                return Apply(services, id, lab => lab.FailRequests(id, kind, request.Count ?? 10, request.Error ?? RequestTimedOut));
            })
            .WithSummary("Fault lab: makes the broker answer its next count requests of a kind with a Kafka error.");
    }

    private static IBrokerFaults? Lab(IServiceProvider services) =>
        services.GetService(typeof(IBrokerFaults)) is IBrokerFaults { IsAvailable: true } lab ? lab : null;

    private static IResult Apply(IServiceProvider services, int id, Action<IBrokerFaults> change)
    {
        if (Lab(services) is not { } lab)
        {
            return NoLab();
        }

        if (lab.Brokers.All(b => b.Id != id))
        {
            return Problems.NotFound("Unknown broker", $"The cluster has no broker {id}.");
        }

        change(lab);
        return TypedResults.Ok(lab.Brokers.Single(b => b.Id == id));
    }

    private static ProblemHttpResult NoLab() => Problems.NotFound(
        "No fault lab",
        "Faults can be injected only into the embedded cluster, by the process that owns it.");
}
