using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cheeseshop.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class TokenScopeAndExpiry : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "expires",
                table: "api_tokens",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "scope",
                table: "api_tokens",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "expires",
                table: "api_tokens");

            migrationBuilder.DropColumn(
                name: "scope",
                table: "api_tokens");
        }
    }
}
