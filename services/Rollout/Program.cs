using Bpdp.Platform.Hosting;
using Bpdp.Rollout;

var builder = WebApplication.CreateBuilder(args);
var queue = builder.Configuration[$"{RolloutOptions.Section}:Queue"] ?? "rollout";
builder.AddBpdpService("rollout", bus => bus.AddRolloutStage(queue));
var app = builder.Build();
app.MapBpdpEndpoints();
app.Run();
