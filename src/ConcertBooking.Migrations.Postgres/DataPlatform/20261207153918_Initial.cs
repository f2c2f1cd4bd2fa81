using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace ConcertBooking.Migrations.Postgres.DataPlatform
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AnalyticsConcertSales",
                columns: table => new
                {
                    ConcertId = table.Column<long>(type: "bigint", nullable: false),
                    ConcertName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    SoldOutTime = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    BookingStartTime = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AnalyticsConcertSales", x => x.ConcertId);
                });

            migrationBuilder.CreateTable(
                name: "AnalyticsHourlyReservations",
                columns: table => new
                {
                    HourStart = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Reservations = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AnalyticsHourlyReservations", x => x.HourStart);
                });

            migrationBuilder.CreateTable(
                name: "AnalyticsQueueMinutes",
                columns: table => new
                {
                    ConcertId = table.Column<long>(type: "bigint", nullable: false),
                    MinuteStart = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Joined = table.Column<long>(type: "bigint", nullable: false),
                    Admitted = table.Column<long>(type: "bigint", nullable: false),
                    ClosedOut = table.Column<long>(type: "bigint", nullable: false),
                    WaitSeconds = table.Column<double>(type: "double precision", nullable: false),
                    MaxWaitSeconds = table.Column<double>(type: "double precision", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AnalyticsQueueMinutes", x => new { x.ConcertId, x.MinuteStart });
                });

            migrationBuilder.CreateTable(
                name: "AnalyticsReservations",
                columns: table => new
                {
                    ReservationId = table.Column<long>(type: "bigint", nullable: false),
                    ConcertId = table.Column<long>(type: "bigint", nullable: true),
                    UserId = table.Column<long>(type: "bigint", nullable: false),
                    HeldAmount = table.Column<long>(type: "bigint", nullable: true),
                    PaidUserId = table.Column<long>(type: "bigint", nullable: true),
                    HeldAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    PaidAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    PaidAmount = table.Column<long>(type: "bigint", nullable: false),
                    CancelledAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ExpiredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AnalyticsReservations", x => x.ReservationId);
                });

            migrationBuilder.CreateTable(
                name: "EventArchive",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    EventId = table.Column<Guid>(type: "uuid", nullable: false),
                    Topic = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Partition = table.Column<int>(type: "integer", nullable: false),
                    Offset = table.Column<long>(type: "bigint", nullable: false),
                    Key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    EventType = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    OccurredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Payload = table.Column<string>(type: "text", nullable: false),
                    ArchivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ConcertId = table.Column<long>(type: "bigint", nullable: true),
                    ReservationId = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EventArchive", x => x.Sequence);
                });

            migrationBuilder.CreateTable(
                name: "ProcessedEvents",
                columns: table => new
                {
                    GroupId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    EventId = table.Column<Guid>(type: "uuid", nullable: false),
                    EventType = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    Topic = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Partition = table.Column<int>(type: "integer", nullable: false),
                    Offset = table.Column<long>(type: "bigint", nullable: false),
                    OccurredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ProcessedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProcessedEvents", x => new { x.GroupId, x.EventId });
                });

            migrationBuilder.CreateIndex(
                name: "IX_AnalyticsReservations_ConcertId_Status",
                table: "AnalyticsReservations",
                columns: new[] { "ConcertId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_AnalyticsReservations_UserId",
                table: "AnalyticsReservations",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_EventArchive_ConcertId_OccurredAt",
                table: "EventArchive",
                columns: new[] { "ConcertId", "OccurredAt" });

            migrationBuilder.CreateIndex(
                name: "IX_EventArchive_EventId",
                table: "EventArchive",
                column: "EventId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_EventArchive_OccurredAt",
                table: "EventArchive",
                column: "OccurredAt");

            migrationBuilder.CreateIndex(
                name: "IX_EventArchive_ReservationId",
                table: "EventArchive",
                column: "ReservationId");

            migrationBuilder.CreateIndex(
                name: "IX_ProcessedEvents_GroupId_ProcessedAt",
                table: "ProcessedEvents",
                columns: new[] { "GroupId", "ProcessedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AnalyticsConcertSales");

            migrationBuilder.DropTable(
                name: "AnalyticsHourlyReservations");

            migrationBuilder.DropTable(
                name: "AnalyticsQueueMinutes");

            migrationBuilder.DropTable(
                name: "AnalyticsReservations");

            migrationBuilder.DropTable(
                name: "EventArchive");

            migrationBuilder.DropTable(
                name: "ProcessedEvents");
        }
    }
}
