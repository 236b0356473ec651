using Bpdp.Platform.Hosting;
using Bpdp.Scanner;

var builder = WebApplication.CreateBuilder(args);
var queue = builder.Configuration[$"{ScannerOptions.Section}:Queue"] ?? "scanner";
builder.AddBpdpService("scanner", bus => bus.AddScannerStage(queue));
var app = builder.Build();
app.MapBpdpEndpoints();
app.Run();
