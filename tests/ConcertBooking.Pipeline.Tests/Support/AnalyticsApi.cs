namespace ConcertBooking.Pipeline.Tests.Support;

/// <summary>The data-platform's HTTP answers, as the endpoints render them.</summary>
internal static class AnalyticsApi
{
    /// <summary>Every analytics answer for the given concerts, users and hours, for before/after comparisons.</summary>
    public static async Task<List<string>> SnapshotAsync(HttpClient fan, HttpClient admin, IEnumerable<long> concerts, IEnumerable<long> users, string hourlyUrl)
    {
        var answers = new List<string> { await fan.GetStringAsync(hourlyUrl) };
        foreach (var concert in concerts)
        {
            answers.Add(await fan.GetStringAsync($"/api/analytics/concerts/{concert}"));
        }

        foreach (var user in users)
        {
            answers.Add(await admin.GetStringAsync($"/api/analytics/users/{user}"));
        }

        return answers;
    }
}
