namespace ConcertBooking.Pipeline.Tests.Support;

/// <summary>Waits for a condition instead of sleeping: polls until it holds or the timeout says the test failed.</summary>
internal static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public static async Task<T> WaitAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var last = await probe();
            if (done(last))
            {
                return last;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}; last observed: {Describe(last)}");
            }

            await Task.Delay(50);
        }
    }

    private static string Describe<T>(T value) =>
        value is System.Collections.IEnumerable items and not string
            ? "[" + string.Join("; ", items.Cast<object?>()) + "]"
            : value?.ToString() ?? "null";
}
