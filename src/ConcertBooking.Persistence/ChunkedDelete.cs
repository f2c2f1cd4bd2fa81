using Microsoft.EntityFrameworkCore;

namespace ConcertBooking.Persistence;

public static class ChunkedDelete
{
    private const int Chunk = 5000;

    /// <summary>Deletes what <paramref name="keys"/> selects, a few thousand rows per short write transaction, so
    /// housekeeping never holds the writer (SQLite's one writer in particular) for long.</summary>
    public static async Task<int> DeleteInChunksAsync<TKey>(
        this DbContext db, IQueryable<TKey> keys, Func<List<TKey>, Task<int>> delete, CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            var chunk = await keys.OrderBy(k => k).Take(Chunk).ToListAsync(cancellationToken);
            if (chunk.Count == 0)
            {
                return total;
            }

            using (await SqliteWriteGate.EnterAsync(db, cancellationToken))
            {
                total += await delete(chunk);
            }

            if (chunk.Count < Chunk)
            {
                return total;
            }
        }
    }
}
