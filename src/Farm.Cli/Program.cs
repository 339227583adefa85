using Farm.Cli;

return await new FarmCtl(Console.In, Console.Out, Console.Error, Environment.GetEnvironmentVariable).RunAsync(args);
