namespace ConcertBooking.Web;

public static class ProblemTypes
{
    /// <summary>Problem types are stable slugs under one base URI, e.g. <c>https://concertbooking.dev/problems/seat-unavailable</c>.</summary>
    public const string BaseUri = "https://concertbooking.dev/problems/";

    public static string For(string slug) => BaseUri + slug;
}
