using System.Text;
using System.Text.Json;
using Bpdp.Platform.Bus;

namespace Bpdp.UnitTests.Platform;

/// <summary>The strict duplicate-key check on raw bodies: names the repeated member's path, and nothing else counts as a repeat.</summary>
public sealed class DuplicateJsonKeysTests
{
    [Theory]
    [InlineData("""{"deploymentId":"a","deploymentId":"b"}""", "$.deploymentId")]
    [InlineData("""{"message":{"plan":[1,{"x":1,"y":2,"x":3}]}}""", "$.message.plan[1].x")]
    [InlineData("""{"a":1,"\u0061":2}""", "$.a")]
    public void Find_names_the_path_of_the_first_member_named_twice_in_one_object(string json, string path) =>
        Assert.Equal(path, DuplicateJsonKeys.Find(Encoding.UTF8.GetBytes(json)));

    [Theory]
    [InlineData("""{"a":{"a":1},"b":[{"a":1},{"a":2}]}""")]
    [InlineData("""[1,"a","a"]""")]
    [InlineData("null")]
    public void Find_returns_null_when_names_repeat_only_across_objects(string json) =>
        Assert.Null(DuplicateJsonKeys.Find(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void Find_throws_on_a_body_that_is_not_json() =>
        Assert.ThrowsAny<JsonException>(() => DuplicateJsonKeys.Find("{\"a\":"u8));
}
