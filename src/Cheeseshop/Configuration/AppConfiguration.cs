using System.ComponentModel.DataAnnotations;

namespace Cheeseshop.Configuration;

public static class AppConfiguration
{
    /// <summary>
    /// Settings come from appsettings.json beside the binary, then CHEESESHOP_* environment variables
    /// (CHEESESHOP_Database__PostgreSQL, CHEESESHOP_Limits__MaxFileBytes, ...), then --data-dir.
    /// Invalid values stop the program at start with a message naming the setting.
    /// </summary>
    public static (IConfigurationRoot Config, CheeseshopOptions Options) Load(string? dataDir)
    {
        var config = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables("CHEESESHOP_")
            .Build();
        var options = new CheeseshopOptions();
        config.Bind(options);
        if (dataDir is not null) options.DataDir = dataDir;
        Validate(options);
        Validate(options.Limits);
        Validate(options.Connections);
        if (options.Storage.UsesS3) options.Storage.S3.Validate();
        try { Core.Privacy.RetentionPolicy.Configure(options.Retention); }
        catch (ArgumentException e) { throw new ValidationException("Retention: " + e.Message); }
        return (config, options);
    }

    private static void Validate(object o) =>
        Validator.ValidateObject(o, new ValidationContext(o), validateAllProperties: true);
}
