using Microsoft.Extensions.Options;

namespace Cheeseshop.Configuration;

public static class AppConfiguration
{
    /// <summary>
    /// Settings come from appsettings.json beside the binary, then CHEESESHOP_* environment variables
    /// (CHEESESHOP_Database__PostgreSQL, CHEESESHOP_Limits__MaxFileBytes, ...), then --data-dir, then
    /// <paramref name="settings"/> (for programs that host the services themselves). Nothing is bound
    /// here: each section is bound and validated by the options registration (AddCheeseshop).
    /// </summary>
    public static IConfigurationRoot Build(string? dataDir, IEnumerable<KeyValuePair<string, string?>>? settings = null)
    {
        var builder = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables("CHEESESHOP_");
        if (dataDir is not null) builder.AddInMemoryCollection([new(nameof(CheeseshopOptions.DataDir), dataDir)]);
        if (settings is not null) builder.AddInMemoryCollection(settings);
        return builder.Build();
    }

    /// <summary>
    /// Binds and validates every section registered with ValidateOnStart, so that an invalid value stops
    /// the program before it does anything, with a message naming the setting. A plain service provider
    /// (the admin verbs) never starts a host, which is where this would otherwise happen.
    /// </summary>
    public static void Validate(IServiceProvider services) =>
        Checked(() => services.GetRequiredService<IStartupValidator>().Validate());

    /// <summary>Runs <paramref name="work"/>, turning a settings failure into InvalidSettingsException: also
    /// for work that resolves a setting before Validate can run (building the web host configures Kestrel).</summary>
    public static void Checked(Action work)
    {
        try
        {
            work();
        }
        catch (OptionsValidationException e)
        {
            throw new InvalidSettingsException(Describe(e), e);
        }
        catch (AggregateException e) when (e.InnerExceptions.All(i => i is OptionsValidationException))
        {
            throw new InvalidSettingsException(string.Join(" ", e.InnerExceptions.Cast<OptionsValidationException>().Select(Describe)), e);
        }
        // A value the binder cannot convert ("abc" for a number) or an out-of-range enum.
        // The binder wraps the conversion's own exception; an InvalidOperationException without one is a
        // fault in the program, not in the settings, and is left to surface as itself.
        catch (Exception e) when (e is FormatException || e is InvalidOperationException { InnerException: not null })
        {
            throw new InvalidSettingsException(e.InnerException is { } inner ? $"{e.Message} {inner.Message}" : e.Message, e);
        }
    }

    private static string Describe(OptionsValidationException e) => string.Join(" ", e.Failures);
}

/// <summary>A setting has a value the program cannot run with; the message names it.</summary>
public sealed class InvalidSettingsException(string message, Exception inner) : Exception(message, inner);
