using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ConcertBooking.Migrations.Sqlite.Operations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "DeadLetterMarks",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Topic = table.Column<string>(type: "TEXT", maxLength: 249, nullable: false),
                    Partition = table.Column<int>(type: "INTEGER", nullable: false),
                    Offset = table.Column<long>(type: "INTEGER", nullable: false),
                    TimestampMs = table.Column<long>(type: "INTEGER", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    By = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeadLetterMarks", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "OperatorAudit",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    By = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    Action = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Target = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Detail = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OperatorAudit", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DeadLetterMarks_Topic_Partition_Offset_TimestampMs",
                table: "DeadLetterMarks",
                columns: new[] { "Topic", "Partition", "Offset", "TimestampMs" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DeadLetterMarks");

            migrationBuilder.DropTable(
                name: "OperatorAudit");
        }
    }
}
