using Bpdp.Builder;
using Bpdp.Platform.Hosting;

var builder = WebApplication.CreateBuilder(args);
var queue = builder.Configuration[$"{BuilderOptions.Section}:Queue"] ?? "builder";
builder.AddBpdpService("builder", bus => bus.AddBuilderStage(queue));
var app = builder.Build();
app.MapBpdpEndpoints();
app.Run();
