using System.Text.Json.Nodes;

namespace Bpdp.Testing.Kubernetes;

/// <summary>
/// A failed request, answered as kube-apiserver answers it: a <c>Status</c> object with the HTTP code, the
/// reason, the same message text, and details naming the object.
/// </summary>
public sealed class ApiError(int code, string reason, string message, JsonObject? details = null) : Exception(message)
{
    public int Code => code;

    public string Reason => reason;

    public JsonObject Status()
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = Message,
            ["reason"] = reason,
        };
        if (details is not null)
        {
            status["details"] = details.DeepClone();
        }

        status["code"] = code;
        return status;
    }

    public static ApiError NotFound(ApiResource resource, string name) =>
        new(404, "NotFound", $"{resource.QualifiedName} \"{name}\" not found", Details(resource, name));

    public static ApiError AlreadyExists(ApiResource resource, string name) =>
        new(409, "AlreadyExists", $"{resource.QualifiedName} \"{name}\" already exists", Details(resource, name));

    public static ApiError Conflict(ApiResource resource, string name) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {resource.QualifiedName} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
            Details(resource, name));

    public static ApiError PreconditionFailed(ApiResource resource, string name, string field, string expected, string actual) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {resource.QualifiedName} \"{name}\": Precondition failed: {field} in precondition: {expected}, {field} in object meta: {actual}",
            Details(resource, name));

    public static ApiError BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiError Invalid(ApiResource resource, string name, string cause) =>
        new(422, "Invalid", $"{(resource.Group.Length == 0 ? resource.Kind : $"{resource.Kind}.{resource.Group}")} \"{name}\" is invalid: {cause}", Details(resource, name));

    public static ApiError UnsupportedPatch(string contentType) =>
        new(415, "UnsupportedMediaType",
            $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json (got {contentType})");

    public static ApiError Unauthorized() => new(401, "Unauthorized", "Unauthorized");

    public static ApiError MethodNotAllowed() => new(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");

    public static ApiError PathNotFound() => new(404, "NotFound", "the server could not find the requested resource");

    public static ApiError InternalError() => new(500, "InternalError", "an error on the server (\"injected\") has prevented the request from succeeding");

    private static JsonObject Details(ApiResource resource, string name)
    {
        var details = new JsonObject { ["name"] = name };
        if (resource.Group.Length > 0)
        {
            details["group"] = resource.Group;
        }

        details["kind"] = resource.Plural;
        return details;
    }
}
