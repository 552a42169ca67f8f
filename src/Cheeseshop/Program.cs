using Cheeseshop.Hosting;

return await CommandLine.RunAsync(args);
