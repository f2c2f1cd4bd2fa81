using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ConcertBooking.Migrations.Postgres.Ranking
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

            migrationBuilder.CreateTable(
                name: "RankingBookingCounts",
                columns: table => new
                {
                    ConcertId = table.Column<long>(type: "bigint", nullable: false),
                    ConcertName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Reservations = table.Column<int>(type: "integer", nullable: false),
                    Confirmed = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RankingBookingCounts", x => x.ConcertId);
                });

            migrationBuilder.CreateTable(
                name: "RankingReservations",
                columns: table => new
                {
                    ReservationId = table.Column<long>(type: "bigint", nullable: false),
                    ConcertId = table.Column<long>(type: "bigint", nullable: true),
                    HeldUserId = table.Column<long>(type: "bigint", nullable: true),
                    HeldAmount = table.Column<long>(type: "bigint", nullable: true),
                    Ended = table.Column<bool>(type: "boolean", nullable: true),
                    Paid = table.Column<bool>(type: "boolean", nullable: false),
                    PaidUserId = table.Column<long>(type: "bigint", nullable: true),
                    PaidAmount = table.Column<long>(type: "bigint", nullable: true),
                    Counted = table.Column<bool>(type: "boolean", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RankingReservations", x => x.ReservationId);
                });

            migrationBuilder.CreateTable(
                name: "RankingSoldOutConcerts",
                columns: table => new
                {
                    ConcertId = table.Column<long>(type: "bigint", nullable: false),
                    ConcertName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    BookingStartTime = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    SoldOutTime = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    SoldOutSeconds = table.Column<double>(type: "double precision", nullable: false)
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
