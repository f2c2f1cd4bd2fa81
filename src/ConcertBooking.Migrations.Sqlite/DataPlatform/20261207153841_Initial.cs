using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ConcertBooking.Migrations.Sqlite.DataPlatform
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
                    ConcertId = table.Column<long>(type: "INTEGER", nullable: false),
                    ConcertName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    SoldOutTime = table.Column<long>(type: "INTEGER", nullable: false),
                    BookingStartTime = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AnalyticsConcertSales", x => x.ConcertId);
                });

            migrationBuilder.CreateTable(
                name: "AnalyticsHourlyReservations",
                columns: table => new
                {
                    HourStart = table.Column<long>(type: "INTEGER", nullable: false),
                    Reservations = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AnalyticsHourlyReservations", x => x.HourStart);
                });

            migrationBuilder.CreateTable(
                name: "AnalyticsQueueMinutes",
                columns: table => new
                {
                    ConcertId = table.Column<long>(type: "INTEGER", nullable: false),
                    MinuteStart = table.Column<long>(type: "INTEGER", nullable: false),
                    Joined = table.Column<long>(type: "INTEGER", nullable: false),
                    Admitted = table.Column<long>(type: "INTEGER", nullable: false),
                    ClosedOut = table.Column<long>(type: "INTEGER", nullable: false),
                    WaitSeconds = table.Column<double>(type: "REAL", nullable: false),
                    MaxWaitSeconds = table.Column<double>(type: "REAL", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AnalyticsQueueMinutes", x => new { x.ConcertId, x.MinuteStart });
                });

            migrationBuilder.CreateTable(
                name: "AnalyticsReservations",
                columns: table => new
                {
                    ReservationId = table.Column<long>(type: "INTEGER", nullable: false),
                    ConcertId = table.Column<long>(type: "INTEGER", nullable: true),
                    UserId = table.Column<long>(type: "INTEGER", nullable: false),
                    HeldAmount = table.Column<long>(type: "INTEGER", nullable: true),
                    PaidUserId = table.Column<long>(type: "INTEGER", nullable: true),
                    HeldAt = table.Column<long>(type: "INTEGER", nullable: true),
                    PaidAt = table.Column<long>(type: "INTEGER", nullable: true),
                    PaidAmount = table.Column<long>(type: "INTEGER", nullable: false),
                    CancelledAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ExpiredAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AnalyticsReservations", x => x.ReservationId);
                });

            migrationBuilder.CreateTable(
                name: "EventArchive",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    EventId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Topic = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Partition = table.Column<int>(type: "INTEGER", nullable: false),
                    Offset = table.Column<long>(type: "INTEGER", nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    EventType = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    OccurredAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Payload = table.Column<string>(type: "TEXT", nullable: false),
                    ArchivedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ConcertId = table.Column<long>(type: "INTEGER", nullable: true),
                    ReservationId = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EventArchive", x => x.Sequence);
                });

            migrationBuilder.CreateTable(
                name: "ProcessedEvents",
                columns: table => new
                {
                    GroupId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    EventId = table.Column<Guid>(type: "TEXT", nullable: false),
                    EventType = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Topic = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Partition = table.Column<int>(type: "INTEGER", nullable: false),
                    Offset = table.Column<long>(type: "INTEGER", nullable: false),
                    OccurredAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ProcessedAt = table.Column<long>(type: "INTEGER", nullable: false)
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
