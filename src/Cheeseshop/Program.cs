using Cheeseshop.Cli;

return await CommandLine.RunAsync(args);
