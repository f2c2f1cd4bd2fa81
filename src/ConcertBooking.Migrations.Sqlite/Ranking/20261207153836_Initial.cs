using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ConcertBooking.Migrations.Sqlite.Ranking
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
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

            migrationBuilder.CreateTable(
                name: "RankingBookingCounts",
                columns: table => new
                {
                    ConcertId = table.Column<long>(type: "INTEGER", nullable: false),
                    ConcertName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Reservations = table.Column<int>(type: "INTEGER", nullable: false),
                    Confirmed = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RankingBookingCounts", x => x.ConcertId);
                });

            migrationBuilder.CreateTable(
                name: "RankingReservations",
                columns: table => new
                {
                    ReservationId = table.Column<long>(type: "INTEGER", nullable: false),
                    ConcertId = table.Column<long>(type: "INTEGER", nullable: true),
                    HeldUserId = table.Column<long>(type: "INTEGER", nullable: true),
                    HeldAmount = table.Column<long>(type: "INTEGER", nullable: true),
                    Ended = table.Column<bool>(type: "INTEGER", nullable: true),
                    Paid = table.Column<bool>(type: "INTEGER", nullable: false),
                    PaidUserId = table.Column<long>(type: "INTEGER", nullable: true),
                    PaidAmount = table.Column<long>(type: "INTEGER", nullable: true),
                    Counted = table.Column<bool>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RankingReservations", x => x.ReservationId);
                });

            migrationBuilder.CreateTable(
                name: "RankingSoldOutConcerts",
                columns: table => new
                {
                    ConcertId = table.Column<long>(type: "INTEGER", nullable: false),
                    ConcertName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    BookingStartTime = table.Column<long>(type: "INTEGER", nullable: false),
                    SoldOutTime = table.Column<long>(type: "INTEGER", nullable: false),
                    SoldOutSeconds = table.Column<double>(type: "REAL", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RankingSoldOutConcerts", x => x.ConcertId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ProcessedEvents_GroupId_ProcessedAt",
                table: "ProcessedEvents",
                columns: new[] { "GroupId", "ProcessedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_RankingBookingCounts_Rank",
                table: "RankingBookingCounts",
                columns: new[] { "Reservations", "Confirmed", "ConcertId" },
                descending: new[] { true, true, false });

            migrationBuilder.CreateIndex(
                name: "IX_RankingSoldOutConcerts_Rank",
                table: "RankingSoldOutConcerts",
                columns: new[] { "SoldOutSeconds", "ConcertId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ProcessedEvents");

            migrationBuilder.DropTable(
                name: "RankingBookingCounts");

            migrationBuilder.DropTable(
                name: "RankingReservations");

            migrationBuilder.DropTable(
                name: "RankingSoldOutConcerts");
        }
    }
}
