using ConcertBooking.Api.Features.Auth;
using ConcertBooking.Messaging.Hosting;
using ConcertBooking.Web;

namespace ConcertBooking.Api.Features.Admin;

public static class KafkaAdminEndpoints
{
    public static IEndpointRouteBuilder MapKafkaAdmin(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/admin/kafka", (KafkaAdminQueries queries, CancellationToken ct) => queries.GetOverviewAsync(ct))
            .WithTags("Admin")
            .WithSummary("Brokers, topics with partitions and watermarks, consumer groups with committed offsets and lag.")
            .RequireAuthorization(Caller.AdminPolicy);
        return app;
    }
}
