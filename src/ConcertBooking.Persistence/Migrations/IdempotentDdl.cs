using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure.Internal;
using Npgsql.EntityFrameworkCore.PostgreSQL.Migrations;

namespace ConcertBooking.Persistence.Migrations;

/// <summary>
/// Migrations create tables and indexes only if missing (<c>IF NOT EXISTS</c>, which both providers understand), for
/// two reasons. Several contexts share one database by default and some tables are shared modules' (the processed
/// events of every consumer group, the outbox leases), so each context's migration creates them unless another did.
/// And a database made by the releases before migrations (idempotent DDL at startup) is adopted by running the first
/// migration over it: what exists stays, with its rows, and what is missing is created.
/// </summary>
internal static partial class IdempotentDdl
{
    /// <summary>What <paramref name="generate"/> writes for a table or index of <paramref name="table"/>, with its
    /// CREATE made idempotent. EF's own tables (the history table, which EF already creates only if missing) and parts
    /// of a larger statement (<paramref name="terminate"/> false, as in SQLite's table rebuilds) are left as they are.</summary>
    public static void Generate(
        string table, bool terminate, MigrationCommandListBuilder builder, MigrationsSqlGeneratorDependencies dependencies, Action<MigrationCommandListBuilder> generate)
    {
        if (!terminate || table.StartsWith("__EF", StringComparison.Ordinal))
        {
            generate(builder);
            return;
        }

        var own = new MigrationCommandListBuilder(dependencies);
        generate(own);
        foreach (var command in own.GetCommandList())
        {
            builder.Append(Create().Replace(command.CommandText, "CREATE $1 IF NOT EXISTS ", 1)).EndCommand(command.TransactionSuppressed);
        }
    }

    [GeneratedRegex(@"^\s*CREATE (TABLE|UNIQUE INDEX|INDEX) (?!IF NOT EXISTS)")]
    private static partial Regex Create();
}

internal sealed class IdempotentSqliteMigrationsSqlGenerator(MigrationsSqlGeneratorDependencies dependencies, IRelationalAnnotationProvider annotations)
    : SqliteMigrationsSqlGenerator(dependencies, annotations)
{
    protected override void Generate(CreateTableOperation operation, IModel? model, MigrationCommandListBuilder builder, bool terminate = true) =>
        IdempotentDdl.Generate(operation.Name, terminate, builder, Dependencies, own => base.Generate(operation, model, own, terminate));

    protected override void Generate(CreateIndexOperation operation, IModel? model, MigrationCommandListBuilder builder, bool terminate = true) =>
        IdempotentDdl.Generate(operation.Table, terminate, builder, Dependencies, own => base.Generate(operation, model, own, terminate));
}

#pragma warning disable EF1001 // Npgsql's generator takes its singleton options, an internal type, in its constructor.
internal sealed class IdempotentNpgsqlMigrationsSqlGenerator(MigrationsSqlGeneratorDependencies dependencies, INpgsqlSingletonOptions options)
    : NpgsqlMigrationsSqlGenerator(dependencies, options)
#pragma warning restore EF1001
{
    protected override void Generate(CreateTableOperation operation, IModel? model, MigrationCommandListBuilder builder, bool terminate = true) =>
        IdempotentDdl.Generate(operation.Name, terminate, builder, Dependencies, own => base.Generate(operation, model, own, terminate));

    protected override void Generate(CreateIndexOperation operation, IModel? model, MigrationCommandListBuilder builder, bool terminate = true) =>
        IdempotentDdl.Generate(operation.Table, terminate, builder, Dependencies, own => base.Generate(operation, model, own, terminate));
}
