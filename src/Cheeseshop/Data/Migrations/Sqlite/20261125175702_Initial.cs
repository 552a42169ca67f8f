using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cheeseshop.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "admin_audit",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    time = table.Column<DateTime>(type: "TEXT", nullable: false),
                    actor = table.Column<string>(type: "TEXT", nullable: false),
                    action = table.Column<string>(type: "TEXT", nullable: false),
                    subject = table.Column<string>(type: "TEXT", nullable: true),
                    details_json = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_admin_audit", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "data_protection_keys",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    friendly_name = table.Column<string>(type: "TEXT", nullable: true),
                    xml = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_data_protection_keys", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "download_agents",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    last_seen = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    details_hash = table.Column<string>(type: "TEXT", nullable: false),
                    installer_name = table.Column<string>(type: "TEXT", nullable: true),
                    installer_version = table.Column<string>(type: "TEXT", nullable: true),
                    python = table.Column<string>(type: "TEXT", nullable: true),
                    implementation_name = table.Column<string>(type: "TEXT", nullable: true),
                    implementation_version = table.Column<string>(type: "TEXT", nullable: true),
                    distro_name = table.Column<string>(type: "TEXT", nullable: true),
                    distro_version = table.Column<string>(type: "TEXT", nullable: true),
                    distro_id = table.Column<string>(type: "TEXT", nullable: true),
                    distro_libc_lib = table.Column<string>(type: "TEXT", nullable: true),
                    distro_libc_version = table.Column<string>(type: "TEXT", nullable: true),
                    system_name = table.Column<string>(type: "TEXT", nullable: true),
                    system_release = table.Column<string>(type: "TEXT", nullable: true),
                    cpu = table.Column<string>(type: "TEXT", nullable: true),
                    openssl_version = table.Column<string>(type: "TEXT", nullable: true),
                    setuptools_version = table.Column<string>(type: "TEXT", nullable: true),
                    rustc_version = table.Column<string>(type: "TEXT", nullable: true),
                    ci = table.Column<bool>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_download_agents", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "download_daily_counts",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    project_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    project = table.Column<string>(type: "TEXT", nullable: false),
                    version = table.Column<string>(type: "TEXT", nullable: true),
                    package_type = table.Column<string>(type: "TEXT", nullable: true),
                    country_code = table.Column<string>(type: "TEXT", nullable: true),
                    installer = table.Column<string>(type: "TEXT", nullable: true),
                    python_major = table.Column<string>(type: "TEXT", nullable: true),
                    python_minor = table.Column<string>(type: "TEXT", nullable: true),
                    system = table.Column<string>(type: "TEXT", nullable: true),
                    ci = table.Column<bool>(type: "INTEGER", nullable: true),
                    downloads = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_download_daily_counts", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "download_daily_series",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    project_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    breakdown = table.Column<string>(type: "TEXT", nullable: false),
                    value = table.Column<string>(type: "TEXT", nullable: true),
                    mirror = table.Column<bool>(type: "INTEGER", nullable: false),
                    downloads = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_download_daily_series", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "download_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    timestamp = table.Column<DateTime>(type: "TEXT", nullable: false),
                    country_code = table.Column<string>(type: "TEXT", nullable: true),
                    file_id = table.Column<long>(type: "INTEGER", nullable: false),
                    agent_id = table.Column<long>(type: "INTEGER", nullable: true),
                    tls_protocol = table.Column<string>(type: "TEXT", nullable: true),
                    tls_cipher = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_download_events", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "download_files",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    filename = table.Column<string>(type: "TEXT", nullable: false),
                    url = table.Column<string>(type: "TEXT", nullable: false),
                    project = table.Column<string>(type: "TEXT", nullable: false),
                    project_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    version = table.Column<string>(type: "TEXT", nullable: false),
                    type = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_download_files", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "download_rollup_state",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false),
                    recompute_from = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    last_run_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_download_rollup_state", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "filename_registry",
                columns: table => new
                {
                    filename = table.Column<string>(type: "TEXT", nullable: false),
                    registered = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_filename_registry", x => x.filename);
                });

            migrationBuilder.CreateTable(
                name: "ip_addresses",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    hashed_ip = table.Column<string>(type: "TEXT", nullable: false),
                    address = table.Column<string>(type: "TEXT", nullable: true),
                    country_code = table.Column<string>(type: "TEXT", nullable: true),
                    first_seen = table.Column<DateTime>(type: "TEXT", nullable: false),
                    last_seen = table.Column<DateTime>(type: "TEXT", nullable: false),
                    address_erased_at = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ip_addresses", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "legal_holds",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    user_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    project_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    subject_name = table.Column<string>(type: "TEXT", nullable: false),
                    until = table.Column<DateTime>(type: "TEXT", nullable: false),
                    reason = table.Column<string>(type: "TEXT", nullable: false),
                    created_by = table.Column<string>(type: "TEXT", nullable: false),
                    created = table.Column<DateTime>(type: "TEXT", nullable: false),
                    released_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    released_by = table.Column<string>(type: "TEXT", nullable: true),
                    legal_request_id = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_legal_holds", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "legal_requests",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    kind = table.Column<string>(type: "TEXT", nullable: false),
                    authority = table.Column<string>(type: "TEXT", nullable: false),
                    reference = table.Column<string>(type: "TEXT", nullable: false),
                    received = table.Column<DateTime>(type: "TEXT", nullable: false),
                    due = table.Column<DateTime>(type: "TEXT", nullable: false),
                    scope_from = table.Column<DateTime>(type: "TEXT", nullable: true),
                    scope_to = table.Column<DateTime>(type: "TEXT", nullable: true),
                    categories = table.Column<string>(type: "TEXT", nullable: false),
                    nondisclosure_until = table.Column<DateTime>(type: "TEXT", nullable: true),
                    note = table.Column<string>(type: "TEXT", nullable: true),
                    origin = table.Column<string>(type: "TEXT", nullable: false),
                    created_by = table.Column<string>(type: "TEXT", nullable: false),
                    created = table.Column<DateTime>(type: "TEXT", nullable: false),
                    closed_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    closed_by = table.Column<string>(type: "TEXT", nullable: true),
                    outcome = table.Column<string>(type: "TEXT", nullable: true),
                    close_note = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_legal_requests", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "projects",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    name = table.Column<string>(type: "TEXT", nullable: false),
                    normalized_name = table.Column<string>(type: "TEXT", nullable: false),
                    created = table.Column<DateTime>(type: "TEXT", nullable: false),
                    last_serial = table.Column<long>(type: "INTEGER", nullable: false),
                    total_size = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_projects", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "retention_runs",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    started_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    as_of = table.Column<DateTime>(type: "TEXT", nullable: false),
                    dry_run = table.Column<bool>(type: "INTEGER", nullable: false),
                    actor = table.Column<string>(type: "TEXT", nullable: false),
                    counts_json = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_retention_runs", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "simple_requests",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    timestamp = table.Column<DateTime>(type: "TEXT", nullable: false),
                    country_code = table.Column<string>(type: "TEXT", nullable: true),
                    url = table.Column<string>(type: "TEXT", nullable: false),
                    project = table.Column<string>(type: "TEXT", nullable: false),
                    project_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    agent_id = table.Column<long>(type: "INTEGER", nullable: true),
                    tls_protocol = table.Column<string>(type: "TEXT", nullable: true),
                    tls_cipher = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_simple_requests", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "users",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    username = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    normalized_username = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    display_name = table.Column<string>(type: "TEXT", nullable: false),
                    password_hash = table.Column<string>(type: "TEXT", nullable: true),
                    date_joined = table.Column<DateTime>(type: "TEXT", nullable: false),
                    last_login = table.Column<DateTime>(type: "TEXT", nullable: true),
                    is_active = table.Column<bool>(type: "INTEGER", nullable: false),
                    is_frozen = table.Column<bool>(type: "INTEGER", nullable: false),
                    is_admin = table.Column<bool>(type: "INTEGER", nullable: false),
                    deleted_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    security_stamp = table.Column<string>(type: "TEXT", nullable: false),
                    totp_secret_protected = table.Column<string>(type: "TEXT", nullable: true),
                    totp_last_step = table.Column<long>(type: "INTEGER", nullable: true),
                    last_self_export_at = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_users", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "disclosures",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    legal_request_id = table.Column<long>(type: "INTEGER", nullable: false),
                    produced_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    recorded_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    produced_by = table.Column<string>(type: "TEXT", nullable: false),
                    sha256 = table.Column<string>(type: "TEXT", nullable: false),
                    bytes = table.Column<long>(type: "INTEGER", nullable: false),
                    file_name = table.Column<string>(type: "TEXT", nullable: false),
                    categories = table.Column<string>(type: "TEXT", nullable: false),
                    counts_json = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_disclosures", x => x.id);
                    table.ForeignKey(
                        name: "fk_disclosures_legal_requests_legal_request_id",
                        column: x => x.legal_request_id,
                        principalTable: "legal_requests",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "api_tokens",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    user_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    project_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    description = table.Column<string>(type: "TEXT", nullable: false),
                    secret_hash = table.Column<byte[]>(type: "BLOB", nullable: false),
                    created = table.Column<DateTime>(type: "TEXT", nullable: false),
                    last_used = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_api_tokens", x => x.id);
                    table.ForeignKey(
                        name: "fk_api_tokens_projects_project_id",
                        column: x => x.project_id,
                        principalTable: "projects",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_api_tokens_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "journals",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    name = table.Column<string>(type: "TEXT", nullable: false),
                    version = table.Column<string>(type: "TEXT", nullable: true),
                    action = table.Column<string>(type: "TEXT", nullable: false),
                    submitted_date = table.Column<DateTime>(type: "TEXT", nullable: false),
                    submitted_by_id = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_journals", x => x.id);
                    table.ForeignKey(
                        name: "fk_journals_users_submitted_by_id",
                        column: x => x.submitted_by_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "legal_request_subjects",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    legal_request_id = table.Column<long>(type: "INTEGER", nullable: false),
                    user_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    username = table.Column<string>(type: "TEXT", nullable: false),
                    notice_status = table.Column<string>(type: "TEXT", nullable: true),
                    notice_due = table.Column<DateTime>(type: "TEXT", nullable: true),
                    notice_sent_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    notice_delayed = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_legal_request_subjects", x => x.id);
                    table.ForeignKey(
                        name: "fk_legal_request_subjects_legal_requests_legal_request_id",
                        column: x => x.legal_request_id,
                        principalTable: "legal_requests",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_legal_request_subjects_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "project_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    project_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    tag = table.Column<string>(type: "TEXT", nullable: false),
                    time = table.Column<DateTime>(type: "TEXT", nullable: false),
                    user_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    ip_address_id = table.Column<long>(type: "INTEGER", nullable: true),
                    additional_json = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_project_events", x => x.id);
                    table.ForeignKey(
                        name: "fk_project_events_ip_addresses_ip_address_id",
                        column: x => x.ip_address_id,
                        principalTable: "ip_addresses",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "fk_project_events_projects_project_id",
                        column: x => x.project_id,
                        principalTable: "projects",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_project_events_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "recovery_codes",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    user_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    code_hash = table.Column<byte[]>(type: "BLOB", nullable: false),
                    created = table.Column<DateTime>(type: "TEXT", nullable: false),
                    used_at = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_recovery_codes", x => x.id);
                    table.ForeignKey(
                        name: "fk_recovery_codes_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "releases",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    project_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    version = table.Column<string>(type: "TEXT", nullable: false),
                    canonical_version = table.Column<string>(type: "TEXT", nullable: false),
                    is_prerelease = table.Column<bool>(type: "INTEGER", nullable: false),
                    created = table.Column<DateTime>(type: "TEXT", nullable: false),
                    yanked = table.Column<bool>(type: "INTEGER", nullable: false),
                    yanked_reason = table.Column<string>(type: "TEXT", nullable: true),
                    uploader_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    metadata_version = table.Column<string>(type: "TEXT", nullable: false),
                    summary = table.Column<string>(type: "TEXT", nullable: true),
                    description = table.Column<string>(type: "TEXT", nullable: true),
                    description_content_type = table.Column<string>(type: "TEXT", nullable: true),
                    author = table.Column<string>(type: "TEXT", nullable: true),
                    author_email = table.Column<string>(type: "TEXT", nullable: true),
                    maintainer = table.Column<string>(type: "TEXT", nullable: true),
                    maintainer_email = table.Column<string>(type: "TEXT", nullable: true),
                    license = table.Column<string>(type: "TEXT", nullable: true),
                    license_expression = table.Column<string>(type: "TEXT", nullable: true),
                    keywords = table.Column<string>(type: "TEXT", nullable: true),
                    home_page = table.Column<string>(type: "TEXT", nullable: true),
                    download_url = table.Column<string>(type: "TEXT", nullable: true),
                    requires_python = table.Column<string>(type: "TEXT", nullable: true),
                    platform = table.Column<string>(type: "TEXT", nullable: true),
                    multi_fields_json = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_releases", x => x.id);
                    table.ForeignKey(
                        name: "fk_releases_projects_project_id",
                        column: x => x.project_id,
                        principalTable: "projects",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_releases_users_uploader_id",
                        column: x => x.uploader_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "role_invitations",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    project_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    user_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    invited_by_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    role_name = table.Column<string>(type: "TEXT", nullable: false),
                    created = table.Column<DateTime>(type: "TEXT", nullable: false),
                    expires_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_role_invitations", x => x.id);
                    table.ForeignKey(
                        name: "fk_role_invitations_projects_project_id",
                        column: x => x.project_id,
                        principalTable: "projects",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_role_invitations_users_invited_by_id",
                        column: x => x.invited_by_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "fk_role_invitations_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "roles",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    project_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    user_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    role_name = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_roles", x => x.id);
                    table.ForeignKey(
                        name: "fk_roles_projects_project_id",
                        column: x => x.project_id,
                        principalTable: "projects",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_roles_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "sent_emails",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    user_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    to_address = table.Column<string>(type: "TEXT", nullable: false),
                    subject = table.Column<string>(type: "TEXT", nullable: false),
                    kind = table.Column<string>(type: "TEXT", nullable: false),
                    time = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sent_emails", x => x.id);
                    table.ForeignKey(
                        name: "fk_sent_emails_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "user_emails",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    user_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    email = table.Column<string>(type: "TEXT", nullable: false),
                    is_primary = table.Column<bool>(type: "INTEGER", nullable: false),
                    is_verified = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_user_emails", x => x.id);
                    table.ForeignKey(
                        name: "fk_user_emails_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "user_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    user_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    tag = table.Column<string>(type: "TEXT", nullable: false),
                    time = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ip_address_id = table.Column<long>(type: "INTEGER", nullable: true),
                    additional_json = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_user_events", x => x.id);
                    table.ForeignKey(
                        name: "fk_user_events_ip_addresses_ip_address_id",
                        column: x => x.ip_address_id,
                        principalTable: "ip_addresses",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "fk_user_events_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "username_changes",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    user_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    old_username = table.Column<string>(type: "TEXT", nullable: false),
                    new_username = table.Column<string>(type: "TEXT", nullable: false),
                    changed_by_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    changed_by = table.Column<string>(type: "TEXT", nullable: false),
                    time = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_username_changes", x => x.id);
                    table.ForeignKey(
                        name: "fk_username_changes_users_changed_by_id",
                        column: x => x.changed_by_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "fk_username_changes_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "release_files",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    release_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    project_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    filename = table.Column<string>(type: "TEXT", nullable: false),
                    package_type = table.Column<string>(type: "TEXT", nullable: false),
                    python_version = table.Column<string>(type: "TEXT", nullable: false),
                    requires_python = table.Column<string>(type: "TEXT", nullable: true),
                    size = table.Column<long>(type: "INTEGER", nullable: false),
                    md5 = table.Column<string>(type: "TEXT", nullable: false),
                    sha256 = table.Column<string>(type: "TEXT", nullable: false),
                    blake2b256 = table.Column<string>(type: "TEXT", nullable: false),
                    path = table.Column<string>(type: "TEXT", nullable: false),
                    upload_time = table.Column<DateTime>(type: "TEXT", nullable: false),
                    uploader_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    uploaded_via = table.Column<string>(type: "TEXT", nullable: true),
                    metadata_sha256 = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_release_files", x => x.id);
                    table.ForeignKey(
                        name: "fk_release_files_releases_release_id",
                        column: x => x.release_id,
                        principalTable: "releases",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_release_files_users_uploader_id",
                        column: x => x.uploader_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateIndex(
                name: "ix_admin_audit_time",
                table: "admin_audit",
                column: "time");

            migrationBuilder.CreateIndex(
                name: "ix_api_tokens_project_id",
                table: "api_tokens",
                column: "project_id");

            migrationBuilder.CreateIndex(
                name: "ix_api_tokens_user_id",
                table: "api_tokens",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_disclosures_legal_request_id",
                table: "disclosures",
                column: "legal_request_id");

            migrationBuilder.CreateIndex(
                name: "ix_download_agents_details_hash",
                table: "download_agents",
                column: "details_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_download_daily_counts_date",
                table: "download_daily_counts",
                column: "date");

            migrationBuilder.CreateIndex(
                name: "ix_download_daily_series_date_breakdown",
                table: "download_daily_series",
                columns: new[] { "date", "breakdown" });

            migrationBuilder.CreateIndex(
                name: "ix_download_daily_series_project_id_breakdown_date",
                table: "download_daily_series",
                columns: new[] { "project_id", "breakdown", "date" });

            migrationBuilder.CreateIndex(
                name: "ix_download_events_timestamp",
                table: "download_events",
                column: "timestamp");

            migrationBuilder.CreateIndex(
                name: "ix_download_files_filename",
                table: "download_files",
                column: "filename",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_download_files_project_id",
                table: "download_files",
                column: "project_id");

            migrationBuilder.CreateIndex(
                name: "ix_ip_addresses_hashed_ip",
                table: "ip_addresses",
                column: "hashed_ip",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_ip_addresses_last_seen",
                table: "ip_addresses",
                column: "last_seen");

            migrationBuilder.CreateIndex(
                name: "ix_journals_name",
                table: "journals",
                column: "name");

            migrationBuilder.CreateIndex(
                name: "ix_journals_submitted_by_id",
                table: "journals",
                column: "submitted_by_id");

            migrationBuilder.CreateIndex(
                name: "ix_journals_submitted_date",
                table: "journals",
                column: "submitted_date");

            migrationBuilder.CreateIndex(
                name: "ix_legal_holds_project_id",
                table: "legal_holds",
                column: "project_id");

            migrationBuilder.CreateIndex(
                name: "ix_legal_holds_user_id",
                table: "legal_holds",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_legal_request_subjects_legal_request_id",
                table: "legal_request_subjects",
                column: "legal_request_id");

            migrationBuilder.CreateIndex(
                name: "ix_legal_request_subjects_notice_status_notice_due",
                table: "legal_request_subjects",
                columns: new[] { "notice_status", "notice_due" });

            migrationBuilder.CreateIndex(
                name: "ix_legal_request_subjects_user_id",
                table: "legal_request_subjects",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_legal_requests_closed_at",
                table: "legal_requests",
                column: "closed_at");

            migrationBuilder.CreateIndex(
                name: "ix_legal_requests_received",
                table: "legal_requests",
                column: "received");

            migrationBuilder.CreateIndex(
                name: "ix_project_events_ip_address_id",
                table: "project_events",
                column: "ip_address_id");

            migrationBuilder.CreateIndex(
                name: "ix_project_events_project_id_time",
                table: "project_events",
                columns: new[] { "project_id", "time" });

            migrationBuilder.CreateIndex(
                name: "ix_project_events_time",
                table: "project_events",
                column: "time");

            migrationBuilder.CreateIndex(
                name: "ix_project_events_user_id",
                table: "project_events",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_projects_normalized_name",
                table: "projects",
                column: "normalized_name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_recovery_codes_user_id",
                table: "recovery_codes",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_release_files_blake2b256",
                table: "release_files",
                column: "blake2b256");

            migrationBuilder.CreateIndex(
                name: "ix_release_files_filename",
                table: "release_files",
                column: "filename",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_release_files_project_id",
                table: "release_files",
                column: "project_id");

            migrationBuilder.CreateIndex(
                name: "ix_release_files_release_id",
                table: "release_files",
                column: "release_id");

            migrationBuilder.CreateIndex(
                name: "ix_release_files_uploader_id",
                table: "release_files",
                column: "uploader_id");

            migrationBuilder.CreateIndex(
                name: "ix_releases_project_id_canonical_version",
                table: "releases",
                columns: new[] { "project_id", "canonical_version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_releases_uploader_id",
                table: "releases",
                column: "uploader_id");

            migrationBuilder.CreateIndex(
                name: "ix_retention_runs_started_at",
                table: "retention_runs",
                column: "started_at");

            migrationBuilder.CreateIndex(
                name: "ix_role_invitations_invited_by_id",
                table: "role_invitations",
                column: "invited_by_id");

            migrationBuilder.CreateIndex(
                name: "ix_role_invitations_project_id_user_id",
                table: "role_invitations",
                columns: new[] { "project_id", "user_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_role_invitations_user_id",
                table: "role_invitations",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_roles_project_id_user_id",
                table: "roles",
                columns: new[] { "project_id", "user_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_roles_user_id",
                table: "roles",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_sent_emails_time",
                table: "sent_emails",
                column: "time");

            migrationBuilder.CreateIndex(
                name: "ix_sent_emails_user_id",
                table: "sent_emails",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_simple_requests_project_id_timestamp",
                table: "simple_requests",
                columns: new[] { "project_id", "timestamp" });

            migrationBuilder.CreateIndex(
                name: "ix_simple_requests_timestamp",
                table: "simple_requests",
                column: "timestamp");

            migrationBuilder.CreateIndex(
                name: "ix_user_emails_email",
                table: "user_emails",
                column: "email");

            migrationBuilder.CreateIndex(
                name: "ix_user_emails_user_id",
                table: "user_emails",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_user_events_ip_address_id",
                table: "user_events",
                column: "ip_address_id");

            migrationBuilder.CreateIndex(
                name: "ix_user_events_time",
                table: "user_events",
                column: "time");

            migrationBuilder.CreateIndex(
                name: "ix_user_events_user_id_time",
                table: "user_events",
                columns: new[] { "user_id", "time" });

            migrationBuilder.CreateIndex(
                name: "ix_username_changes_changed_by_id",
                table: "username_changes",
                column: "changed_by_id");

            migrationBuilder.CreateIndex(
                name: "ix_username_changes_user_id",
                table: "username_changes",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_users_normalized_username",
                table: "users",
                column: "normalized_username",
                unique: true);
            // The audit log is append-only: nothing may rewrite what an admin did.
            migrationBuilder.Sql("CREATE TRIGGER admin_audit_append_only BEFORE UPDATE ON admin_audit BEGIN SELECT RAISE(ABORT, 'admin_audit is append-only'); END;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "admin_audit");

            migrationBuilder.DropTable(
                name: "api_tokens");

            migrationBuilder.DropTable(
                name: "data_protection_keys");

            migrationBuilder.DropTable(
                name: "disclosures");

            migrationBuilder.DropTable(
                name: "download_agents");

            migrationBuilder.DropTable(
                name: "download_daily_counts");

            migrationBuilder.DropTable(
                name: "download_daily_series");

            migrationBuilder.DropTable(
                name: "download_events");

            migrationBuilder.DropTable(
                name: "download_files");

            migrationBuilder.DropTable(
                name: "download_rollup_state");

            migrationBuilder.DropTable(
                name: "filename_registry");

            migrationBuilder.DropTable(
                name: "journals");

            migrationBuilder.DropTable(
                name: "legal_holds");

            migrationBuilder.DropTable(
                name: "legal_request_subjects");

            migrationBuilder.DropTable(
                name: "project_events");

            migrationBuilder.DropTable(
                name: "recovery_codes");

            migrationBuilder.DropTable(
                name: "release_files");

            migrationBuilder.DropTable(
                name: "retention_runs");

            migrationBuilder.DropTable(
                name: "role_invitations");

            migrationBuilder.DropTable(
                name: "roles");

            migrationBuilder.DropTable(
                name: "sent_emails");

            migrationBuilder.DropTable(
                name: "simple_requests");

            migrationBuilder.DropTable(
                name: "user_emails");

            migrationBuilder.DropTable(
                name: "user_events");

            migrationBuilder.DropTable(
                name: "username_changes");

            migrationBuilder.DropTable(
                name: "legal_requests");

            migrationBuilder.DropTable(
                name: "releases");

            migrationBuilder.DropTable(
                name: "ip_addresses");

            migrationBuilder.DropTable(
                name: "projects");

            migrationBuilder.DropTable(
                name: "users");
        }
    }
}
