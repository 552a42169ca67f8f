using Cheeseshop.Configuration;
using Cheeseshop.Core.Accounts;
using Cheeseshop.Data;
using Cheeseshop.Mail;
using Microsoft.AspNetCore.DataProtection;

namespace Cheeseshop.Accounts;

public static class AccountServices
{
    /// <summary>
    /// The account rules and what they need: Data Protection (keys in the database, so every node can
    /// read every other node's cookies, links and TOTP secrets), mail, and the services behind both the
    /// pages and the CLI.
    /// </summary>
    public static IServiceCollection AddAccounts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddDataProtection()
            .SetApplicationName("cheeseshop")
            .PersistKeysToDbContext<CheeseshopDb>();

        services.AddSettings<MailOptions>(configuration.GetSection(MailOptions.Section));
        services.AddSingleton<IMailTransport>(sp => sp.GetRequiredService<MailOptions>() is { UsesSmtp: true } mail
            ? new SmtpTransport(mail)
            : new OutboxTransport(Path.Combine(sp.GetRequiredService<DataDirectory>().Root, "outbox"), sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService<MailStartupLog>();
        services.AddScoped<Mailer>();

        services.AddSingleton(new PasswordPolicy(CommonPasswordList.Passwords));
        services.AddSingleton<AccountTokens>();
        services.AddSingleton<TotpSecrets>();
        services.AddScoped<AccountLinks>();
        services.AddScoped<AccountMail>();
        services.AddScoped<SignInService>();
        services.AddScoped<RegistrationService>();
        services.AddScoped<EmailAddressService>();
        services.AddScoped<PasswordService>();
        services.AddScoped<ProfileService>();
        services.AddScoped<TwoFactorService>();
        services.AddSingleton<SecurityKeys.SecurityKeyChallenges>();
        services.AddScoped<SecurityKeys.SecurityKeyService>();
        services.AddScoped<SecurityKeys.SecurityKeySignIn>();
        services.AddScoped<ApiTokenService>();
        services.AddScoped<RoleService>();
        services.AddScoped<AccountDeletionService>();
        services.AddScoped<UsernameRenamer>();
        services.AddScoped<Invitations.InvitationService>();
        return services;
    }
}
