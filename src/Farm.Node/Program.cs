using Farm.Node.Hosting;
using Microsoft.Extensions.Hosting;

if (args is ["hash-password", ..])
{
    return HashPasswordCommand.Run(args, Console.In, Console.Out, Console.Error);
}

// appsettings.json sits next to the binary, wherever the node is started from.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddFarmNode();
await builder.Build().RunAsync();
return 0;
